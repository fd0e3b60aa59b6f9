"""`flask --app wsgi retention run [--dry-run]`: the daily retention review (run it from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casetracker.services import retention

group = click.Group("retention", help="Retention reviews: which records are due for destruction review.")


@group.command("run")
@click.option("--dry-run", is_flag=True, help="List the cases due for review; change nothing and email nobody.")
@with_appcontext
def run(dry_run: bool) -> None:
    """Work out every case's review date; put those due on their case manager's review list."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        due = retention.run(dry_run=dry_run)
        for item in due:
            when = item.retention.review_on.isoformat() if item.retention.review_on else ""
            click.echo(f"{item.case.reference}\t{item.case.kind}\tdue {when}")
    click.echo(
        f"{len(due)} case{'s' if len(due) != 1 else ''} due for a retention review{' (dry run)' if dry_run else ''}"
    )
