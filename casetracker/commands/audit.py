"""`flask --app wsgi audit verify`: recompute the audit chain."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from casetracker import audit

group = click.Group("audit", help="The tamper-evident audit trail.")


@group.command("verify")
@with_appcontext
def verify() -> None:
    """Recompute every event's hash, link and MAC; exit 1 naming the first bad event."""
    result = audit.verify()
    click.echo(str(result))
    if not result.intact:
        sys.exit(1)
