"""Administrator pages: people."""

from __future__ import annotations

from casetracker.web.admin.views import bp  # noqa: F401
