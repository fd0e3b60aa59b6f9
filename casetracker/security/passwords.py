"""Password hashing with argon2id, and the dummy hash that keeps unknown users as slow as known."""

from __future__ import annotations

import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app

MIN_PASSWORD_LENGTH = 12


def init_app(app: Flask) -> None:
    hasher = PasswordHasher(
        time_cost=app.config["ARGON2_TIME_COST"],
        memory_cost=app.config["ARGON2_MEMORY_COST"],
        parallelism=app.config["ARGON2_PARALLELISM"],
    )
    app.extensions["password_hasher"] = hasher
    # Verifying against this costs the same as a real account: no user enumeration by timing.
    app.extensions["dummy_password_hash"] = hasher.hash(secrets.token_urlsafe(16))


def _hasher() -> PasswordHasher:
    hasher: PasswordHasher = current_app.extensions["password_hasher"]
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always costs one hash, even for no account."""
    target = password_hash or current_app.extensions["dummy_password_hash"]
    try:
        matched = _hasher().verify(target, password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


# Words an attacker guesses first at a school (security review of December 2026, finding 12).
PRODUCT_WORDS = ("casetracker",)
_WORD = re.compile(r"[a-z0-9]{4,}")
# Words in many school names and email domains: refusing them would refuse ordinary passphrases.
_COMMON = frozenset(
    {"example", "school", "academy", "college", "community", "primary", "secondary", "junior", "infant"}
    | {"church", "high", "trust", "gmail", "outlook", "hotmail", "mail"}
)


def context_words(*texts: str | None) -> tuple[str, ...]:
    """The guessable words in a name, an email address or the school's name: 4 letters or more,
    without the words many schools and mail domains share."""
    words: set[str] = set(PRODUCT_WORDS)
    for text in texts:
        words |= set(_WORD.findall((text or "").lower()))
    return tuple(sorted(words - _COMMON))


def password_problem(password: str, context: tuple[str, ...] = PRODUCT_WORDS) -> str | None:
    """Why a new password is not acceptable, in words for the form, or None. `context` holds the
    words to refuse inside it: the person's own name and email, the school's name, the product's."""
    if any(word in password.lower() for word in context):
        return "Password must not contain your name, your email address, the school's name or the word Casetracker"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > 256:
        return "Password must be 256 characters or fewer"
    if len(set(password)) < 4:
        return "Password must not repeat the same few characters"
    return None


def token_digest(token: str) -> str:
    """SHA-256 of a high-entropy secret (session tokens, reset links, recovery codes)."""
    return hashlib.sha256(token.encode()).hexdigest()
