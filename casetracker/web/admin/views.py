"""The system administrator's pages: people, accounts, offices (two-person), school settings."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
