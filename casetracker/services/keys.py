"""The keyring at start-up, and key rotation and retirement.

Start-up refuses a missing keyring, a wrong one (a canary in the database fails to decrypt), and
in production a keyring other users can read.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from casetracker import audit, crypto
from casetracker.extensions import db
from casetracker.keystore import forget_data_key, keyring
from casetracker.models import ReportDraft
from casetracker.models.case_keys import CaseKey, KeyCanary

BATCH = 200


def load_keyring(app: Flask) -> None:
    """Load the keyring named by KEY_FILE and check it against the database's canaries."""
    ring = crypto.Keyring.load(app.config["KEY_FILE"], strict_permissions=app.config["IS_PRODUCTION"])
    app.extensions["keyring"] = ring
    with app.app_context():
        try:
            if not inspect(db.engine).has_table(KeyCanary.__tablename__):
                return  # not migrated yet: the canary is written on the first start after migrating
            check_canaries(ring)
        except SQLAlchemyError as error:
            app.logger.warning("key canary not checked: database unavailable (%s)", type(error).__name__)
        except crypto.KeyringError:
            db.session.remove()
            db.engine.dispose()  # this app will never serve: close its connections now
            raise
        finally:
            db.session.remove()


def check_canaries(ring: crypto.Keyring) -> None:
    canaries = list(db.session.scalars(select(KeyCanary)))
    if canaries:
        known = [canary for canary in canaries if canary.kek_id in ring.keks]
        if not known:
            raise crypto.KeyringError(
                f"Wrong keyring: {ring.path} holds none of the keys this database was encrypted with "
                f"({', '.join(sorted(c.kek_id for c in canaries))})."
            )
        for canary in known:
            if not ring.check_canary(canary.kek_id, canary.blob):
                raise crypto.KeyringError(
                    f"Wrong key: key {canary.kek_id} in {ring.path} does not decrypt this database's canary."
                )
    if ring.active not in {canary.kek_id for canary in canaries}:
        db.session.add(KeyCanary(kek_id=ring.active, blob=ring.canary(ring.active)))
        db.session.commit()


def rotate(progress: Callable[[int, int], None] = lambda done, total: None) -> str:
    """Add a new key-encryption key and re-wrap every data key under it.

    The keyring is saved with the new key before any data key is re-wrapped, and each batch
    commits on its own: killed half-way, every data key is wrapped by one key or the other, both
    in the keyring, and running it again finishes the job.
    """
    ring = keyring()
    pending = _wrapped_by_other_keys(ring.active)
    if pending == 0 or not _active_key_is_fresh(ring):
        ring.add_kek()
        ring.save()
        db.session.add(KeyCanary(kek_id=ring.active, blob=ring.canary(ring.active)))
        audit.record("keys.rotated", object_type="kek", object_id=ring.active)
        db.session.commit()
    total = _wrapped_by_other_keys(ring.active)
    done = 0
    progress(done, total)
    while True:
        rows = list(
            db.session.scalars(
                select(CaseKey).where(CaseKey.wrapped.is_not(None), CaseKey.kek_id != ring.active).limit(BATCH)
            )
        )
        if not rows:
            break
        for row in rows:
            assert row.kek_id is not None and row.wrapped is not None
            key = ring.unwrap(row.kek_id, row.wrapped, row.case_id)
            row.kek_id, row.wrapped = ring.wrap(key, row.case_id)
            forget_data_key(row.case_id)
        db.session.commit()
        done += len(rows)
        progress(done, total)
    _rewrap_drafts(ring)
    return ring.active


def _rewrap_drafts(ring: crypto.Keyring) -> None:
    """Unfinished reports are sealed under keys of their own, wrapped like a case's: re-wrap them
    too, so retiring the old key loses nobody's half-written report."""
    from casetracker.services.reporter_view import rewrap_draft

    for draft in db.session.scalars(select(ReportDraft)):
        if isinstance(draft.sealed, dict) and draft.sealed.get("kek") != ring.active:
            rewrapped = rewrap_draft(draft.sealed, ring)
            if rewrapped is not None:
                draft.sealed = rewrapped
    db.session.commit()


def _drafts_sealed_with(kek_id: str) -> int:
    return sum(
        1
        for sealed in db.session.scalars(select(ReportDraft.sealed))
        if isinstance(sealed, dict) and sealed.get("kek") == kek_id
    )


def _wrapped_by_other_keys(active: str) -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(CaseKey).where(CaseKey.wrapped.is_not(None), CaseKey.kek_id != active)
        )
        or 0
    )


def _active_key_is_fresh(ring: crypto.Keyring) -> bool:
    """True when the active key was added by a rotation that did not finish (so resume it)."""
    return db.session.get(KeyCanary, ring.active) is not None and len(ring.keks) > 1


def retire(kek_id: str) -> None:
    """Delete a key-encryption key from the keyring; refused while any data key still uses it."""
    ring = keyring()
    in_use = db.session.scalar(
        select(func.count()).select_from(CaseKey).where(CaseKey.kek_id == kek_id, CaseKey.wrapped.is_not(None))
    )
    if in_use:
        raise crypto.KeyringError(f"Key {kek_id} still wraps {in_use} data keys: run 'keys rotate' first.")
    drafts = _drafts_sealed_with(kek_id)
    if drafts:
        raise crypto.KeyringError(f"Key {kek_id} still seals {drafts} unfinished reports: run 'keys rotate' first.")
    ring.remove_kek(kek_id)
    ring.save()
    canary = db.session.get(KeyCanary, kek_id)
    if canary is not None:
        db.session.delete(canary)
    audit.record("keys.retired", object_type="kek", object_id=kek_id)
    db.session.commit()
