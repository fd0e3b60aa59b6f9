"""Envelope encryption and keyed hashes: the only module that imports `cryptography`.

Each case has its own random 256-bit data key. Every sensitive field is encrypted with AES-256-GCM
under that key, with a fresh 96-bit random nonce, and with associated data that binds the
ciphertext to its table, record, field and case: a ciphertext copied anywhere else fails to
decrypt. A blob is: version byte (1) | data key id (16 bytes) | nonce (12) | ciphertext and tag.
The version byte and key id are authenticated too.

Data keys are stored only wrapped (AES-256-GCM again) by a key-encryption key (KEK) from the
keyring file, which lives outside the database and its backups. Destroying a case's wrapped data
key makes everything of that case unreadable for good (crypto-shredding). Rotation adds a KEK and
re-wraps every data key; retiring a KEK deletes it, so backups whose data keys were wrapped only
by it can no longer be read.

Fernet is not used: it has no associated data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

BLOB_VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
HEADER_BYTES = 1 + 16 + NONCE_BYTES
KEYRING_FORMAT = 1
CANARY_PLAINTEXT = b"casetracker key canary"


class CryptoError(Exception):
    """Base class: something about keys or ciphertexts is wrong."""


class KeyringError(CryptoError):
    """The keyring cannot be used (missing, loose permissions, wrong keys). Start-up refuses."""


class IntegrityError(CryptoError):
    """A ciphertext failed to decrypt: it was altered, moved, or the key is wrong."""


class RetiredKeyError(CryptoError):
    """Data wrapped by a key-encryption key that this keyring no longer holds."""


class DestroyedError(CryptoError):
    """The case's data key was destroyed: its content is gone for good."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def associated_data(table: str, record_id: object, field_name: str, case_id: object) -> bytes:
    """What a field's ciphertext is bound to: its table, row, column and case."""
    return "\x1f".join(("casetracker", table, str(record_id), field_name, str(case_id))).encode()


class Cipher(Protocol):
    def encrypt(self, key: bytes, key_id: uuid.UUID, plaintext: bytes, ad: bytes) -> bytes: ...

    def decrypt(self, key: bytes, key_id: uuid.UUID, blob: bytes, ad: bytes) -> bytes: ...


class AesGcmCipher:
    """AES-256-GCM with a random nonce per encryption (safe far beyond any case's field count)."""

    def __init__(self) -> None:
        self._aead_cache: dict[bytes, AESGCM] = {}

    def _aead(self, key: bytes) -> AESGCM:
        aead = self._aead_cache.get(key)
        if aead is None:
            if len(self._aead_cache) > 1024:
                self._aead_cache.clear()
            aead = self._aead_cache[key] = AESGCM(key)
        return aead

    def encrypt(self, key: bytes, key_id: uuid.UUID, plaintext: bytes, ad: bytes) -> bytes:
        header = bytes([BLOB_VERSION]) + key_id.bytes
        nonce = os.urandom(NONCE_BYTES)
        return header + nonce + self._aead(key).encrypt(nonce, plaintext, header + ad)

    def decrypt(self, key: bytes, key_id: uuid.UUID, blob: bytes, ad: bytes) -> bytes:
        if len(blob) < HEADER_BYTES + 16 or blob[0] != BLOB_VERSION:
            raise IntegrityError("unknown or damaged ciphertext format")
        header, nonce, body = blob[:17], blob[17:HEADER_BYTES], blob[HEADER_BYTES:]
        if header[1:] != key_id.bytes:
            raise IntegrityError("ciphertext belongs to another data key")
        try:
            return self._aead(key).decrypt(nonce, body, header + ad)
        except InvalidTag:
            raise IntegrityError("ciphertext failed authentication") from None


class NullCipher:
    """No encryption at all: only for the benchmark that measures what encryption costs."""

    def encrypt(self, key: bytes, key_id: uuid.UUID, plaintext: bytes, ad: bytes) -> bytes:
        return bytes([0]) + key_id.bytes + plaintext

    def decrypt(self, key: bytes, key_id: uuid.UUID, blob: bytes, ad: bytes) -> bytes:
        return blob[17:]


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Keyring:
    """Key-encryption keys (by id), the active one, and the keys for blind indexes and the audit MAC."""

    path: Path
    keks: dict[str, bytes]
    active: str
    index_key: bytes
    audit_key: bytes
    cipher: Cipher = field(default_factory=AesGcmCipher)

    # -- files -----------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path) -> Keyring:
        """A new keyring at path (mode 0600); refuses to overwrite an existing file."""
        path = Path(path)
        kid = _new_kid()
        keyring = cls(
            path=path,
            keks={kid: secrets.token_bytes(KEY_BYTES)},
            active=kid,
            index_key=secrets.token_bytes(KEY_BYTES),
            audit_key=secrets.token_bytes(KEY_BYTES),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise KeyringError(f"{path} already exists: refusing to overwrite a keyring") from None
        with os.fdopen(fd, "w") as handle:
            handle.write(keyring._serialise())
        return keyring

    @classmethod
    def load(cls, path: str | Path, *, strict_permissions: bool) -> Keyring:
        path = Path(path)
        if not path.exists():
            raise KeyringError(
                f"The keyring {path} does not exist. Set CASETRACKER_KEY_FILE to the keyring's path, "
                "or create a new one with 'flask --app wsgi keys init'."
            )
        mode = stat.S_IMODE(path.stat().st_mode)
        if strict_permissions and mode & 0o077:
            raise KeyringError(
                f"The keyring {path} can be read by other users (mode {mode:o}): run 'chmod 600 {path}'."
            )
        try:
            data = json.loads(path.read_text())
            if data.get("format") != KEYRING_FORMAT:
                raise ValueError("unknown keyring format")
            return cls(
                path=path,
                keks={kid: _unb64(value) for kid, value in data["keks"].items()},
                active=data["active"],
                index_key=_unb64(data["index_key"]),
                audit_key=_unb64(data["audit_key"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise KeyringError(f"The keyring {path} is damaged: {error}") from None

    def _serialise(self) -> str:
        return json.dumps(
            {
                "format": KEYRING_FORMAT,
                "active": self.active,
                "keks": {kid: _b64(key) for kid, key in self.keks.items()},
                "index_key": _b64(self.index_key),
                "audit_key": _b64(self.audit_key),
            },
            indent=2,
        )

    def save(self) -> None:
        """Write atomically (a new file renamed over the old), keeping mode 0600."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.unlink(missing_ok=True)  # a leftover from a crash; never write through a link
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(self._serialise())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        # Make the rename itself durable: data keys are about to be wrapped by the new key.
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    # -- key-encryption keys ---------------------------------------------------------------
    def add_kek(self) -> str:
        kid = _new_kid()
        self.keks[kid] = secrets.token_bytes(KEY_BYTES)
        self.active = kid
        return kid

    def remove_kek(self, kid: str) -> None:
        if kid == self.active:
            raise KeyringError("The active key cannot be retired: rotate first")
        if kid not in self.keks:
            raise KeyringError(f"No key {kid} in this keyring")
        del self.keks[kid]

    def _kek(self, kid: str) -> bytes:
        try:
            return self.keks[kid]
        except KeyError:
            raise RetiredKeyError(f"key-encryption key {kid} has been retired") from None

    def wrap(self, data_key: bytes, case_id: uuid.UUID) -> tuple[str, bytes]:
        nonce = os.urandom(NONCE_BYTES)
        ad = b"casetracker\x1fdata-key\x1f" + str(case_id).encode() + b"\x1f" + self.active.encode()
        return self.active, nonce + AESGCM(self._kek(self.active)).encrypt(nonce, data_key, ad)

    def unwrap(self, kid: str, wrapped: bytes, case_id: uuid.UUID) -> bytes:
        ad = b"casetracker\x1fdata-key\x1f" + str(case_id).encode() + b"\x1f" + kid.encode()
        try:
            return AESGCM(self._kek(kid)).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], ad)
        except InvalidTag:
            raise IntegrityError("a data key failed to unwrap: wrong key-encryption key or altered") from None

    def canary(self, kid: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self._kek(kid)).encrypt(nonce, CANARY_PLAINTEXT, b"canary\x1f" + kid.encode())

    def check_canary(self, kid: str, blob: bytes) -> bool:
        try:
            plain = AESGCM(self._kek(kid)).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], b"canary\x1f" + kid.encode())
        except (InvalidTag, RetiredKeyError):
            return False
        return plain == CANARY_PLAINTEXT

    # -- fields ----------------------------------------------------------------------------
    def encrypt(self, data_key: bytes, key_id: uuid.UUID, plaintext: bytes, ad: bytes) -> bytes:
        return self.cipher.encrypt(data_key, key_id, plaintext, ad)

    def decrypt(self, data_key: bytes, key_id: uuid.UUID, blob: bytes, ad: bytes) -> bytes:
        return self.cipher.decrypt(data_key, key_id, blob, ad)

    # -- keyed hashes ----------------------------------------------------------------------
    def blind_index(self, person_id: uuid.UUID) -> str:
        """A keyed HMAC of a person's id: lets the database find a person's cases without naming them."""
        return hmac.new(self.index_key, b"person\x1f" + person_id.bytes, hashlib.sha256).hexdigest()

    def audit_mac(self, digest: str) -> str:
        return hmac.new(self.audit_key, digest.encode(), hashlib.sha256).hexdigest()


def _new_kid() -> str:
    return "kek-" + secrets.token_hex(6)
