"""Raising a concern (signed in): a concern about another adult, a self-referral, whistleblowing."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("report", __name__, url_prefix="/report")
