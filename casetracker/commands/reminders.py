"""`flask --app wsgi reminders send`: the daily reminder (run it from cron; see the README)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casetracker.services import reminders

group = click.Group("reminders", help="Daily reminders of what is due or overdue.")


@group.command("send")
@with_appcontext
def send() -> None:
    """Email each case-managing office-holder a count of what is due or overdue, without content."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        sent = reminders.send_reminders()
    click.echo(f"Reminders sent: {sent}")
