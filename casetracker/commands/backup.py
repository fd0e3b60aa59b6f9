"""`flask --app wsgi backup create PATH | restore PATH`: snapshots of the database (never the keys)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from casetracker import crypto
from casetracker.services import backups, keys

group = click.Group("backup", help="Consistent backups of the database, and restoring one into an empty database.")


def _loaded() -> None:
    if "keyring" not in current_app.extensions:
        keys.load_keyring(current_app._get_current_object())  # type: ignore[attr-defined]


@group.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def create(path: Path) -> None:
    """Snapshot the database into PATH and PATH.json (mode 0600) while the app serves. Never overwrites.

    The backup holds no keys: it is readable only with the keyring (kept apart from backups).
    """
    try:
        _loaded()
        info = backups.create(path)
    except (backups.BackupError, crypto.KeyringError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(str(info))


@group.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore(path: Path) -> None:
    """Restore PATH into the (empty) configured database, then check its integrity and audit chain.

    Refused, changing nothing, when the database is not empty or the backup's key epoch is retired.
    """
    try:
        _loaded()
        result = backups.restore(path)
    except (backups.BackupError, crypto.KeyringError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(str(result))
    if not result.ok:
        sys.exit(1)
