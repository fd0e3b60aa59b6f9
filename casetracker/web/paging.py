"""The page number a list page was asked for: anything odd means the first page."""

from __future__ import annotations

from flask import request


def page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1  # "²" is a digit to isdigit()
