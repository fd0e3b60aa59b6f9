"""Envelope encryption: round trips, tampering, moved ciphertexts, nonces, wrapping."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from casetracker import crypto


@pytest.fixture()
def ring(tmp_path: Path) -> crypto.Keyring:
    return crypto.Keyring.create(tmp_path / "keyring.json")


def encrypt(ring: crypto.Keyring, key: bytes, key_id: uuid.UUID, text: bytes, ad: bytes) -> bytes:
    return ring.encrypt(key, key_id, text, ad)


def test_round_trip(ring: crypto.Keyring) -> None:
    key, key_id, case = crypto.new_data_key(), uuid.uuid4(), uuid.uuid4()
    ad = crypto.associated_data("report", uuid.uuid4(), "answers", case)
    blob = ring.encrypt(key, key_id, "Łucja saw it happen 🙂".encode(), ad)
    assert blob[0] == crypto.BLOB_VERSION
    assert blob[1:17] == key_id.bytes
    assert ring.decrypt(key, key_id, blob, ad).decode() == "Łucja saw it happen 🙂"


def test_every_flipped_byte_fails_loudly(ring: crypto.Keyring) -> None:
    key, key_id = crypto.new_data_key(), uuid.uuid4()
    ad = crypto.associated_data("case_record", uuid.uuid4(), "summary", uuid.uuid4())
    blob = ring.encrypt(key, key_id, b"a short narrative", ad)
    for position in range(len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        with pytest.raises(crypto.IntegrityError):
            ring.decrypt(key, key_id, bytes(tampered), ad)


@pytest.mark.parametrize(
    "moved_to",
    [
        ("report", "row", "answers", "case"),  # another row
        ("report", "same", "reporter", "case"),  # another field
        ("chronology_entry", "same", "answers", "case"),  # another table
        ("report", "same", "answers", "other case"),  # another case
    ],
)
def test_a_ciphertext_moved_elsewhere_fails(ring: crypto.Keyring, moved_to: tuple[str, str, str, str]) -> None:
    key, key_id = crypto.new_data_key(), uuid.uuid4()
    ids = {"same": uuid.uuid4(), "row": uuid.uuid4(), "case": uuid.uuid4(), "other case": uuid.uuid4()}
    blob = ring.encrypt(key, key_id, b"marker", crypto.associated_data("report", ids["same"], "answers", ids["case"]))
    table, row, field, case = moved_to
    with pytest.raises(crypto.IntegrityError):
        ring.decrypt(key, key_id, blob, crypto.associated_data(table, ids[row], field, ids[case]))


def test_a_blob_under_another_data_key_fails(ring: crypto.Keyring) -> None:
    ad = b"ad"
    blob = ring.encrypt(crypto.new_data_key(), uuid.uuid4(), b"marker", ad)
    with pytest.raises(crypto.IntegrityError):
        ring.decrypt(crypto.new_data_key(), uuid.uuid4(), blob, ad)


def test_no_nonce_repeats_in_100_000_encryptions(ring: crypto.Keyring) -> None:
    key, key_id = crypto.new_data_key(), uuid.uuid4()
    nonces = {ring.encrypt(key, key_id, b"x", b"ad")[17:29] for _ in range(100_000)}
    assert len(nonces) == 100_000


def test_data_keys_wrap_and_unwrap_bound_to_their_case(ring: crypto.Keyring) -> None:
    key, case = crypto.new_data_key(), uuid.uuid4()
    kid, wrapped = ring.wrap(key, case)
    assert ring.unwrap(kid, wrapped, case) == key
    with pytest.raises(crypto.IntegrityError):
        ring.unwrap(kid, wrapped, uuid.uuid4())


def test_retired_key_cannot_unwrap(ring: crypto.Keyring) -> None:
    key, case = crypto.new_data_key(), uuid.uuid4()
    old, wrapped = ring.wrap(key, case)
    ring.add_kek()
    ring.remove_kek(old)
    with pytest.raises(crypto.RetiredKeyError):
        ring.unwrap(old, wrapped, case)


def test_keyring_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "ring.json"
    crypto.Keyring.create(path)
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(crypto.KeyringError, match="refusing to overwrite"):
        crypto.Keyring.create(path)


def test_loose_permissions_refused_when_strict(tmp_path: Path) -> None:
    path = tmp_path / "ring.json"
    crypto.Keyring.create(path)
    path.chmod(0o644)
    with pytest.raises(crypto.KeyringError, match="chmod 600"):
        crypto.Keyring.load(path, strict_permissions=True)
    assert crypto.Keyring.load(path, strict_permissions=False).active


def test_missing_keyring_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(crypto.KeyringError, match="keys init"):
        crypto.Keyring.load(tmp_path / "absent.json", strict_permissions=True)


def test_blind_index_is_keyed(tmp_path: Path) -> None:
    person = uuid.uuid4()
    first = crypto.Keyring.create(tmp_path / "a.json")
    second = crypto.Keyring.create(tmp_path / "b.json")
    assert first.blind_index(person) == first.blind_index(person)
    assert first.blind_index(person) != second.blind_index(person)
    assert str(person) not in first.blind_index(person)
