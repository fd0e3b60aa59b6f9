"""Case data keys in use: unwrapped on demand and cached for the database session."""

from __future__ import annotations

import uuid

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


def _cache() -> dict[uuid.UUID, tuple[uuid.UUID, bytes]]:
    return db.session.info.setdefault("data_keys", {})  # type: ignore[no-any-return]


def create_data_key(case_id: uuid.UUID) -> CaseKey:
    """A fresh data key for a new case, wrapped by the active key-encryption key."""
    key = crypto.new_data_key()
    kek_id, wrapped = keyring().wrap(key, case_id)
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
        ring = crypto.Keyring.load(keyring().path, strict_permissions=current_app.config["IS_PRODUCTION"])
        current_app.extensions["keyring"] = ring
        key = ring.unwrap(row.kek_id, row.wrapped, case_id)
    _cache()[case_id] = (row.id, key)
    return row.id, key


def forget_data_key(case_id: uuid.UUID) -> None:
    _cache().pop(case_id, None)
