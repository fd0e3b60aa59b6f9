"""TOTP two-factor (RFC 6238 via pyotp): enrolment, verification with replay rejection, recovery codes."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

import pyotp
import segno
from markupsafe import Markup

ISSUER = "Casetracker"
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
# The most a QR code holds (version 40, error correction M, bytes); the URI is ASCII once encoded.
QR_CAPACITY = 2331


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account_name: str, school_name: str) -> str:
    uri = pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=f"{ISSUER} ({school_name})")
    if len(uri) > QR_CAPACITY:
        # A long school name or address in another script (each letter percent-encoded) would not
        # fit in the QR code: the app then labels the account just "Casetracker".
        uri = pyotp.TOTP(secret).provisioning_uri(name=ISSUER, issuer_name=ISSUER)
    return uri


def qr_svg(uri: str) -> Markup:
    """An inline SVG QR code: no image file and nothing a strict CSP forbids."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")
    return Markup(svg)  # noqa: S704 - segno's own SVG output, no user text in it


def matching_step(secret: str, code: str, last_step: int | None, now: dt.datetime) -> int | None:
    """The time step the code belongs to (one step of drift either way), or None.

    A code whose step is not later than the last one used is refused: a code works once.
    """
    code = code.strip().replace(" ", "")
    # ASCII digits only: "١٢٣٤٥٦" is digits too, and compare_digest refuses non-ASCII text.
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of 80 bits each, shown once and stored only as digests."""
    return ["-".join(secrets.token_hex(5)[i : i + 5] for i in (0, 5)) for _ in range(RECOVERY_CODE_COUNT)]


def normalise_recovery_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.lower() if ch in "0123456789abcdef")
    return f"{cleaned[:5]}-{cleaned[5:]}"
