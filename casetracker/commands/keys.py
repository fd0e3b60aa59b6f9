"""`flask --app wsgi keys init | rotate | retire KEY_ID`: the keyring for encryption at rest."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casetracker import crypto
from casetracker.services import keys

group = click.Group("keys", help="The keyring that protects case records at rest.")


@group.command("init")
@with_appcontext
def init() -> None:
    """Create a new keyring at CASETRACKER_KEY_FILE (mode 0600). Never overwrites one."""
    path = current_app.config["KEY_FILE"]
    try:
        ring = crypto.Keyring.create(path)
    except crypto.KeyringError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created keyring {path} with key {ring.active}. Keep a copy apart from the database backups.")


def _loaded() -> None:
    if "keyring" not in current_app.extensions:
        keys.load_keyring(current_app._get_current_object())  # type: ignore[attr-defined]


@group.command("rotate")
@with_appcontext
def rotate() -> None:
    """Add a new key-encryption key and re-wrap every case's data key (resumable)."""
    _loaded()

    def show(done: int, total: int) -> None:
        click.echo(f"re-wrapped {done} of {total} data keys")

    active = keys.rotate(show)
    click.echo(f"Rotation finished: every data key is wrapped by {active}.")


@group.command("retire")
@click.argument("kek_id")
@with_appcontext
def retire(kek_id: str) -> None:
    """Delete an old key-encryption key; refused while anything still uses it."""
    _loaded()
    try:
        keys.retire(kek_id)
    except crypto.KeyringError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Retired {kek_id}. Backups whose data keys only it wrapped can no longer be read.")


@group.command("list")
@with_appcontext
def list_keys() -> None:
    """Show the key ids in the keyring and which is active (never the keys themselves)."""
    _loaded()
    ring = crypto.Keyring.load(current_app.config["KEY_FILE"], strict_permissions=False)
    for kid in sorted(ring.keks):
        click.echo(f"{kid}{'  (active)' if kid == ring.active else ''}")
