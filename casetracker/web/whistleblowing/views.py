"""Anonymous whistleblowing: public pages that record no account, address, browser or session."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("whistleblowing", __name__, url_prefix="/whistleblowing")
