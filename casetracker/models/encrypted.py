"""Encrypted model attributes: the one way models declare sensitive fields.

`narrative = EncryptedText()` stores its ciphertext in the column `narrative_enc` (declare it with
`encrypted_column()`), encrypted under the case's data key and bound to table, row, field and
case. Reading decrypts; a failure raises crypto.IntegrityError (never empty or garbled text), and
a destroyed case raises crypto.DestroyedError.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Generic, TypeVar

from sqlalchemy import LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from casetracker import crypto

T = TypeVar("T")


def encrypted_column() -> Mapped[bytes | None]:
    return mapped_column(LargeBinary, nullable=True)


class _EncryptedField(Generic[T]):
    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.column = f"{name}_enc"

    def encode(self, value: T) -> bytes:
        raise NotImplementedError

    def decode(self, raw: bytes) -> T:
        raise NotImplementedError

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        blob = getattr(obj, self.column)
        if blob is None:
            return None
        # A page may read the same field more than once: the plaintext of this very ciphertext is
        # kept on the loaded row for the rest of the request (the session drops its rows at the
        # end of it). Each read still decodes afresh, so a caller that changes what it got cannot
        # change what the next caller reads, and the key is looked up every time, so a case
        # destroyed mid-request stops answering at once.
        from casetracker.keystore import data_key_for, keyring

        key_id, key = data_key_for(obj.case_key_owner_id)
        cache: dict[str, tuple[bytes, bytes]] = obj.__dict__.setdefault("_plaintexts", {})
        hit = cache.get(self.name)
        if hit is not None and hit[0] is blob:
            return self.decode(hit[1])
        ad = crypto.associated_data(obj.__tablename__, obj.id, self.name, obj.case_key_owner_id)
        plaintext = keyring().decrypt(key, key_id, blob, ad)
        cache[self.name] = (blob, plaintext)
        return self.decode(plaintext)

    def __set__(self, obj: Any, value: T | None) -> None:
        if value is None:
            setattr(obj, self.column, None)
            return
        from casetracker.keystore import data_key_for, keyring

        if obj.id is None:
            obj.id = uuid.uuid4()
        key_id, key = data_key_for(obj.case_key_owner_id)
        ad = crypto.associated_data(obj.__tablename__, obj.id, self.name, obj.case_key_owner_id)
        setattr(obj, self.column, keyring().encrypt(key, key_id, self.encode(value), ad))


class EncryptedText(_EncryptedField[str]):
    def encode(self, value: str) -> bytes:
        return value.encode("utf-8")

    def decode(self, raw: bytes) -> str:
        return raw.decode("utf-8")


class EncryptedJSON(_EncryptedField[Any]):
    """A dict or list of plain values (answers, LADO details…), encrypted as one blob."""

    def encode(self, value: Any) -> bytes:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")

    def decode(self, raw: bytes) -> Any:
        return json.loads(raw)


class EncryptedBytes(_EncryptedField[bytes]):
    def encode(self, value: bytes) -> bytes:
        return value

    def decode(self, raw: bytes) -> bytes:
        return raw
