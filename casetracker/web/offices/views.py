"""Office-holders' pages: confirming office changes, and the register of interests."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("offices", __name__)
