"""The system administrator's pages: people, accounts, offices (two-person), school settings.

The administrator manages accounts and settings and never reads case content.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The routes live in one module per area; importing them registers them on `bp`.
from casetracker.web.admin import audit, offices, people, settings  # noqa: E402, F401
