"""The case store: encrypted round trips, rotation, retirement, shredding, start-up checks."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from casetracker import audit, crypto
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Case, CaseKey, ChronologyEntry, Report
from casetracker.services import case_store, keys
from tests.case_helpers import seeded_case
from tests.conftest import make_user


def all_readable(app: Flask) -> bool:
    with app.app_context():
        for case in db.session.scalars(select(Case).where(Case.destroyed_at.is_(None))):
            assert case.summary.startswith("Summary")
            assert next(entry.body["type"] for entry in case_store.chronology(case)) == "report_received"
        return True


def test_round_trip_through_the_database(app: Flask) -> None:
    with app.app_context():
        case = seeded_case("ALPHA")
        case_id = case.id
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.summary == "Summary ALPHA"
        report = db.session.scalars(select(Report).where(Report.case_id == case_id)).one()
        assert report.answers["children"] == ["Child ALPHA"]
        assert [e.body.get("text") for e in case_store.chronology(case)][1:] == [f"Entry {n} ALPHA" for n in range(3)]


def test_a_ciphertext_copied_to_another_row_fails_to_decrypt(app: Flask) -> None:
    from casetracker.models import Message

    with app.app_context():
        first, second = seeded_case("ONE"), seeded_case("TWO")
        extra = case_store.add_message(first, "to_reporter", {"text": "Another question"})
        db.session.commit()
        original = db.session.scalars(select(Message).where(Message.case_id == first.id, Message.id != extra.id)).one()
        # Copy one message's ciphertext onto another row of the same case.
        extra.body_enc = original.body_enc
        with pytest.raises(crypto.IntegrityError):
            _ = extra.body
        # And a whole field moved from one case to another.
        other = db.session.get(Case, second.id)
        other.summary_enc = db.session.get(Case, first.id).summary_enc
        with pytest.raises(crypto.IntegrityError):
            _ = other.summary
        db.session.rollback()


def test_rotation_then_retirement_leaves_every_case_readable(app: Flask) -> None:
    with app.app_context():
        for n in range(5):
            seeded_case(f"ROT{n}")
        old = keyring().active
        keys.rotate()
        new = keyring().active
        assert new != old
        assert set(db.session.scalars(select(CaseKey.kek_id))) == {new}
        keys.retire(old)
        assert old not in keyring().keks
        assert old not in json.loads(Path(app.config["KEY_FILE"]).read_text())["keks"]
    assert all_readable(app)


def test_retire_is_refused_while_a_key_is_in_use(app: Flask) -> None:
    with app.app_context():
        seeded_case("INUSE")
        active = keyring().active
        keyring().add_kek()  # a new active key, but nothing re-wrapped yet
        with pytest.raises(crypto.KeyringError, match="still wraps 1 data keys"):
            keys.retire(active)
        keys.rotate()
        keys.retire(active)
    assert all_readable(app)


def test_an_unfinished_report_survives_rotation_and_retirement(app: Flask) -> None:
    """A reporter half-way through a report when the keys are rotated must find it still there."""
    from casetracker.services import reporter_view

    user = make_user(app, "Della Draft")
    with app.app_context():
        reporter_view.store_draft(user.id, {"concern": "colleague", "what_happened": "Fictional draft text"})
        old = keyring().active
        keyring().add_kek()  # as another process's rotation would leave it, part-way
        with pytest.raises(crypto.KeyringError, match="still seals 1 unfinished reports"):
            keys.retire(old)
        keys.rotate()
        keys.retire(old)
        assert reporter_view.load_draft(user.id) == {"concern": "colleague", "what_happened": "Fictional draft text"}


def test_rotation_killed_part_way_then_run_again_finishes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "BATCH", 2)
    with app.app_context():
        for n in range(7):
            seeded_case(f"KILL{n}")
        old = keyring().active

        class Killed(Exception):
            pass

        def die_after_first_batch(done: int, total: int) -> None:
            if done >= 2:
                raise Killed

        with pytest.raises(Killed):
            keys.rotate(die_after_first_batch)
        db.session.rollback()
        kek_ids = list(db.session.scalars(select(CaseKey.kek_id)))
        assert old in kek_ids and keyring().active in kek_ids  # half done
    assert all_readable(app)  # everything still readable mid-way
    with app.app_context():
        # A fresh process reads the keyring file again.
        app.extensions["keyring"] = crypto.Keyring.load(app.config["KEY_FILE"], strict_permissions=False)
        new = keyring().active
        keys.rotate()
        assert keyring().active == new  # resumed, not a third key
        assert set(db.session.scalars(select(CaseKey.kek_id))) == {new}
        keys.retire(old)
    assert all_readable(app)


def test_shredding_makes_the_case_unreadable_and_the_chain_still_verifies(app: Flask) -> None:
    with app.app_context():
        case = seeded_case("SHRED")
        keep_id = seeded_case("KEEP").id
        case_store.shred_case(None, case)
        case_id = case.id
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert db.session.scalars(select(CaseKey).where(CaseKey.case_id == case_id)).one().wrapped is None
        for read in (
            lambda: case.summary,
            lambda: case_store.chronology(case)[0].body,
            lambda: db.session.scalars(select(Report).where(Report.case_id == case_id)).one().answers,
        ):
            with pytest.raises(crypto.DestroyedError):
                read()
        assert db.session.get(Case, keep_id).summary == "Summary KEEP"
        assert audit.verify().intact


def test_legal_hold_blocks_shredding(app: Flask) -> None:
    with app.app_context():
        case = seeded_case("HOLD")
        case.legal_hold = True
        db.session.commit()
        with pytest.raises(case_store.LegalHoldError):
            case_store.shred_case(None, case)
        assert case_store.is_readable(case)


def test_chronology_entries_cannot_take_the_same_number(app: Flask) -> None:
    with app.app_context():
        case = seeded_case("SEQ", entries=5)
        seqs = list(db.session.scalars(select(ChronologyEntry.seq).where(ChronologyEntry.case_id == case.id)))
        assert seqs == sorted(set(seqs)) == list(range(1, 7))


def test_start_up_refuses_a_missing_keyring(app: Flask, tmp_path: os.PathLike) -> None:
    from casetracker import create_app
    from config import TestConfig

    class Missing(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        KEY_FILE = f"{tmp_path}/absent.json"

    with pytest.raises(crypto.KeyringError, match="does not exist"):
        create_app(Missing)


def test_start_up_refuses_a_wrong_keyring(app: Flask, tmp_path: os.PathLike) -> None:
    from casetracker import create_app
    from config import TestConfig

    with app.app_context():
        seeded_case("CANARY")
        keys.check_canaries(keyring())  # the database holds a canary for the active key
    other = crypto.Keyring.create(f"{tmp_path}/other.json")

    class Wrong(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        KEY_FILE = str(other.path)

    with pytest.raises(crypto.KeyringError, match="Wrong keyring"):
        create_app(Wrong)

    # Same key id, different key material: the canary fails to decrypt.
    real = json.loads(Path(app.config["KEY_FILE"]).read_text())
    forged = dict(
        real,
        keks=dict(zip(real["keks"], json.loads(Path(other.path).read_text())["keks"].values(), strict=False)),
    )
    forged_path = f"{tmp_path}/forged.json"
    Path(forged_path).write_text(json.dumps(forged))

    class Forged(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        KEY_FILE = forged_path

    with pytest.raises(crypto.KeyringError, match="Wrong key"):
        create_app(Forged)


def test_start_up_refuses_loose_permissions_in_production(app: Flask, tmp_path: os.PathLike) -> None:
    ring_path = f"{tmp_path}/loose.json"
    crypto.Keyring.create(ring_path)
    os.chmod(ring_path, 0o644)
    app_config = {"KEY_FILE": ring_path, "IS_PRODUCTION": True}
    fake = Flask("loose")
    fake.config.update(app_config)
    with pytest.raises(crypto.KeyringError, match="chmod 600"):
        keys.load_keyring(fake)


def test_keys_commands(app: Flask) -> None:
    runner = app.test_cli_runner()
    with app.app_context():
        seeded_case("CLI")
        old = keyring().active
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "re-wrapped 1 of 1 data keys" in result.output
    assert runner.invoke(args=["keys", "retire", old]).exit_code == 0
    refused = runner.invoke(args=["keys", "retire", "kek-unknown"])
    assert refused.exit_code != 0
    assert runner.invoke(args=["keys", "init"]).exit_code != 0  # refuses to overwrite
    assert all_readable(app)
    assert uuid  # the module is used for ids elsewhere in this file
