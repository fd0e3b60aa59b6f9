"""Receipt codes for anonymous whistleblowers: at least 80 bits of secret, stored only as a slow hash.

A code looks like `K7QD-M2XA-9HFT-W3RB-P6ZN-C4YE`: the first two groups are a public look-up part
(so the report can be found without scanning every hash), the last four are the secret (80 bits),
stored only as an argon2id hash. The code is shown once and kept nowhere.
"""

from __future__ import annotations

import secrets

from casetracker.security.passwords import hash_password, verify_password

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, 5 bits each; no 0/O or 1/I
LOOKUP_CHARS = 8
SECRET_CHARS = 16  # 16 x 5 = 80 bits


def _groups(text: str) -> str:
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def new_receipt() -> tuple[str, str, str]:
    """(code to show once, look-up part to store, hash of the secret part to store)."""
    lookup = "".join(secrets.choice(ALPHABET) for _ in range(LOOKUP_CHARS))
    secret = "".join(secrets.choice(ALPHABET) for _ in range(SECRET_CHARS))
    return _groups(lookup + secret), lookup, hash_password(secret)


def split(code: str) -> tuple[str, str] | None:
    """The look-up and secret parts of a typed code, forgiving spaces, dashes and case."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(cleaned) != LOOKUP_CHARS + SECRET_CHARS or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned[:LOOKUP_CHARS], cleaned[LOOKUP_CHARS:]


def matches(stored_hash: str | None, secret: str) -> bool:
    """Constant work whether or not a report was found (no probing for valid look-up parts)."""
    return verify_password(stored_hash, secret)
