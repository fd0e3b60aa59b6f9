"""The signed-in home page and the load balancer's health check."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from casetracker.domain.policy import is_signed_in
from casetracker.extensions import db
from casetracker.security.access import current_actor, public, requires
from casetracker.services import subject_access

bp = Blueprint("home", __name__)


@bp.route("/")
@requires(is_signed_in)
def dashboard() -> str:
    actor = current_actor()
    assert actor is not None
    return render_template(
        "home/dashboard.html", title="Home", actor=actor, referrals=len(subject_access.referrals_for(actor))
    )


@bp.route("/healthz")
@public
def healthz() -> tuple[dict[str, str], int]:
    """200 when the app can reach its database; 503 otherwise. Says nothing else."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}, 200
