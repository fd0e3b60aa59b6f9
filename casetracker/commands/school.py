"""`flask --app wsgi school create`: first-time set-up of the installation's school."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from casetracker.domain.people import SchoolType
from casetracker.extensions import db
from casetracker.models import School
from casetracker.services.school import current_school

group = click.Group("school", help="The school this installation serves.")


@group.command("create")
@click.option("--name", required=True, help="The school's name, as staff know it.")
@click.option(
    "--type", "school_type", type=click.Choice([t.value for t in SchoolType]), default="maintained", show_default=True
)
@click.option("--local-authority", default="", help="The local authority whose LADO the school consults.")
@with_appcontext
def create(name: str, school_type: str, local_authority: str) -> None:
    """Create the school record (once)."""
    if current_school() is not None:
        raise click.ClickException("A school is already set up; change it from School settings.")
    db.session.add(School(name=name, school_type=school_type, local_authority=local_authority))
    db.session.commit()
    click.echo(f"Created {name}.")
