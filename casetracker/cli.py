"""Flask commands: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from casetracker.commands import audit, backup, demo, keys, reminders, retention, school, staff, users

    for group in (
        audit.group,
        backup.group,
        demo.group,
        keys.group,
        reminders.group,
        retention.group,
        school.group,
        staff.group,
        users.group,
    ):
        app.cli.add_command(group)
