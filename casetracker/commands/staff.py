"""`flask --app wsgi staff import FILE.csv` (the import itself lives in services.staff_import)."""

from __future__ import annotations

from typing import BinaryIO

import click
from flask.cli import with_appcontext

from casetracker.services import staff_import
from casetracker.services.school import NoSchoolError

group = click.Group("staff", help="The staff directory.")


@group.command("import")
@click.argument("csv_file", metavar="FILE.csv", type=click.File("rb"))
@with_appcontext
def import_(csv_file: BinaryIO) -> None:
    """Import or update the staff directory from a CSV file.

    Columns: full_name, email, job_title, staff_type, employer_name, start_date, leave_date,
    date_of_birth. Nothing is imported if any row has a problem; each problem is printed.
    """
    data = csv_file.read(staff_import.MAX_BYTES + 1)
    try:
        outcome = staff_import.import_staff(None, data)
    except NoSchoolError as error:
        raise click.ClickException(str(error)) from error
    if outcome.is_rejected:
        for error in outcome.errors:
            click.echo(str(error), err=True)
        problems = "1 problem" if len(outcome.errors) == 1 else f"{len(outcome.errors)} problems"
        raise click.ClickException(f"Nothing was imported: the file has {problems}.")
    click.echo(f"Imported the staff directory: {outcome.summary}.")
