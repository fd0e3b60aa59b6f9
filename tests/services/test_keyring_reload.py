"""A running worker follows `keys rotate` run elsewhere, refuses a keyring put in the file's place,
and does not parse the keyring file again while the file is the one it last checked."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from flask import Flask

from casetracker import crypto
from casetracker.keystore import current_keyring, keyring


@pytest.fixture()
def own_keyring(app: Flask, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """This test's own keyring file, put back as the app's afterwards."""
    path = str(tmp_path / "keyring.json")
    crypto.Keyring.create(path)
    with app.app_context():
        before = app.extensions["keyring"]
        app.extensions["keyring"] = crypto.Keyring.load(path, strict_permissions=False)
        try:
            yield path
        finally:
            app.extensions["keyring"] = before
            app.extensions.pop("keyring_checked_against", None)


def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    loads: list[str] = []
    real = crypto.Keyring.load.__func__  # type: ignore[attr-defined]

    def counting(cls, path, *, strict_permissions):  # type: ignore[no-untyped-def]
        loads.append(str(path))
        return real(cls, path, strict_permissions=strict_permissions)

    monkeypatch.setattr(crypto.Keyring, "load", classmethod(counting))
    return loads


def test_an_unchanged_file_is_not_parsed_again(app: Flask, own_keyring: str, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = count_loads(monkeypatch)
    with app.app_context():
        ring = keyring()
        assert all(current_keyring() is ring for _ in range(50))
        assert len(loads) <= 1  # checked once against the file, then only its signature


def test_a_rotation_by_another_process_is_taken_up(
    app: Flask, own_keyring: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        old = keyring()
        current_keyring()
        elsewhere = crypto.Keyring.load(own_keyring, strict_permissions=False)  # `keys rotate`, elsewhere
        new_kid = elsewhere.add_kek()
        elsewhere.save()
        taken = current_keyring()
        assert taken.active == new_kid and taken is keyring() and taken is not old
        assert set(taken.keks) == {old.active, new_kid}
        loads = count_loads(monkeypatch)
        assert current_keyring() is taken and loads == []


def test_another_keyring_in_the_files_place_is_refused_and_logged(
    app: Flask, own_keyring: str, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        ring = keyring()
        current_keyring()
        crypto.Keyring.create(own_keyring + ".other")
        os.replace(own_keyring + ".other", own_keyring)
        with caplog.at_level(logging.ERROR):
            assert current_keyring() is ring
            assert current_keyring() is ring
        refusals = [r for r in caplog.records if "now holds a different keyring" in r.getMessage()]
        assert len(refusals) == 1  # said once for this file, not on every page
