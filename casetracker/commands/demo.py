"""`flask --app wsgi demo seed` and `demo totp EMAIL` (development only)."""

from __future__ import annotations

import click
import pyotp
from flask import current_app
from flask.cli import with_appcontext

from casetracker.clock import utcnow
from casetracker.services import demo, sign_in

group = click.Group("demo", help="The fictional demo school (development only).")


def _refuse_in_production() -> None:
    if not current_app.config["DEMO_TOOLS"]:
        raise click.ClickException("Demo tools are switched off in production.")


@group.command("seed")
@with_appcontext
def seed() -> None:
    """Create the fictional Oakfield Primary School if the database is empty."""
    _refuse_in_production()
    # Reports are filed through the real services, whose emails link to the sign-in page.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        seeded = demo.seed()
    if seeded:
        click.echo("Seeded the demo school, Oakfield Primary School.")
    else:
        click.echo("The database already has a school: nothing seeded.")


@group.command("totp")
@click.argument("email")
@with_appcontext
def totp(email: str) -> None:
    """Print the current two-factor code for a demo account."""
    _refuse_in_production()
    user = sign_in.find_user_by_email(email)
    if user is None or user.totp_secret is None:
        raise click.ClickException("No account with two-factor set up has that email address.")
    click.echo(pyotp.TOTP(user.totp_secret).at(utcnow()))
