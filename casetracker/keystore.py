"""Case data keys in use: unwrapped on demand and cached for the database session."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from casetracker import crypto
from casetracker.extensions import db
from casetracker.models.case_keys import CaseKey


def keyring() -> crypto.Keyring:
    ring: crypto.Keyring | None = current_app.extensions.get("keyring")
    if ring is None:
        raise crypto.KeyringError("No keyring is loaded: set CASETRACKER_KEY_FILE")
    return ring


def current_keyring() -> crypto.Keyring:
    """The keyring, read again from its file if that has changed since this process loaded it.

    `keys rotate` and `keys retire` run in another process (from one place, for every app server),
    so a long-running worker's keyring goes stale. Stale, it would wrap new keys with the key that
    was active when it started (once that key is retired, whatever it wrapped is unreadable
    everywhere else, and here after a restart), and could not open what a fresher worker wrapped
    with the new key. A new file is taken only if it is the same keyring (rotation never changes
    the blind-index or audit keys).
    """
    ring = keyring()
    # A new report's every question page asks: parse the file only when it is not the very file
    # this keyring was last checked against (keys commands replace it, so its inode changes too).
    signature = _file_signature(ring.path)
    checked = current_app.extensions.get("keyring_checked_against")
    if signature is not None and checked is not None and checked[0] is ring and checked[1] == signature:
        return ring
    current_app.extensions["keyring_checked_against"] = (ring, signature)
    try:
        on_disk = crypto.Keyring.load(ring.path, strict_permissions=current_app.config["IS_PRODUCTION"])
    except crypto.KeyringError as error:
        current_app.logger.error("the keyring file could not be read again: %s", error)
        return ring  # the loaded keys still work
    changed = on_disk.active != ring.active or on_disk.keks.keys() != ring.keks.keys()
    if not changed:
        return ring
    if on_disk.index_key != ring.index_key or on_disk.audit_key != ring.audit_key:
        # Another keyring put in its place: its blind indexes would no longer hide cases from
        # their subjects. Keep serving with the keys this process started with, and say so.
        current_app.logger.error("the keyring file %s now holds a different keyring: not loaded", ring.path)
        return ring
    on_disk.cipher = ring.cipher
    current_app.extensions["keyring"] = on_disk
    current_app.extensions["keyring_checked_against"] = (on_disk, signature)
    return on_disk


def _file_signature(path: Path) -> tuple[int, int, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None  # then load() says what is wrong
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


def _cache() -> dict[uuid.UUID, tuple[uuid.UUID, bytes]]:
    return db.session.info.setdefault("data_keys", {})  # type: ignore[no-any-return]


def create_data_key(case_id: uuid.UUID) -> CaseKey:
    """A fresh data key for a new case, wrapped by the active key-encryption key."""
    key = crypto.new_data_key()
    kek_id, wrapped = current_keyring().wrap(key, case_id)
    row = CaseKey(id=uuid.uuid4(), case_id=case_id, kek_id=kek_id, wrapped=wrapped)
    db.session.add(row)
    _cache()[case_id] = (row.id, key)
    return row


def data_key_for(case_id: uuid.UUID) -> tuple[uuid.UUID, bytes]:
    cached = _cache().get(case_id)
    if cached is not None:
        return cached
    row = db.session.scalars(select(CaseKey).where(CaseKey.case_id == case_id)).first()
    if row is None or row.wrapped is None or row.kek_id is None:
        raise crypto.DestroyedError("this case's data key has been destroyed")
    try:
        key = keyring().unwrap(row.kek_id, row.wrapped, case_id)
    except crypto.RetiredKeyError:
        # Another process rotated the keys: read the keyring file again, once.
        key = current_keyring().unwrap(row.kek_id, row.wrapped, case_id)
    _cache()[case_id] = (row.id, key)
    return row.id, key


def forget_data_key(case_id: uuid.UUID) -> None:
    _cache().pop(case_id, None)
