"""`flask --app wsgi users create`: accounts from the command line (first-time set-up)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from casetracker.domain.people import Office, Role, StaffType
from casetracker.extensions import db
from casetracker.security.passwords import context_words, password_problem
from casetracker.services import offices, people

group = click.Group("users", help="User accounts.")


@group.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="Full name for the staff directory.")
@click.option("--job-title", default="")
@click.option(
    "--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]), default=["staff"], show_default=True
)
@click.option(
    "--office",
    "office_names",
    multiple=True,
    type=click.Choice([o.value for o in Office]),
    help="An office to hold (repeatable).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting.")
@with_appcontext
def create(
    email: str,
    full_name: str,
    job_title: str,
    roles: tuple[str, ...],
    office_names: tuple[str, ...],
    password_stdin: bool,
) -> None:
    """Create a person and their account; office-holders enrol in two-factor at first sign-in."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, context_words(full_name, email))
    if problem:
        raise click.ClickException(problem)
    try:
        person = people.person_by_email(email) or people.add_person(
            None,
            people.PersonDetails(full_name=full_name, email=email, job_title=job_title, staff_type=StaffType.EMPLOYEE),
            commit=False,
        )
        user = people.create_account(None, person, [Role(r) for r in roles], password, commit=False)
        for name in office_names:
            offices.assign_from_command_line(person, Office(name))
        db.session.commit()
    except people.PeopleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(f"Created account {user.email}.")
