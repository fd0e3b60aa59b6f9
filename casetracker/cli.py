"""Flask commands: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from casetracker.commands import audit, demo, keys, reminders, school, staff, users

    for group in (
        audit.group,
        demo.group,
        keys.group,
        reminders.group,
        school.group,
        staff.group,
        users.group,
    ):
        app.cli.add_command(group)
