"""The governing board's anonymised oversight report: a page and a PDF per academic year."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from casetracker.clock import utcnow
from casetracker.domain import oversight as rules
from casetracker.domain.policy import Actor, is_governor
from casetracker.security.access import current_actor, requires
from casetracker.services import oversight
from casetracker.services.school import require_school

bp = Blueprint("oversight", __name__, url_prefix="/oversight")


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


def _year() -> int:
    """The academic year asked for (by the year it starts), among those the report offers."""
    offered = oversight.years_with_cases()
    raw = request.args.get("year", "")
    if not raw:
        return rules.academic_year_start(utcnow().date())
    if not raw.isdigit() or int(raw) not in offered:
        abort(404)
    return int(raw)


@bp.route("")
@requires(is_governor)
def report() -> str:
    year = _year()
    built = oversight.build_report(year, require_school().name)
    oversight.record_view(_actor(), year)
    return render_template(
        "oversight/report.html",
        title=f"Oversight report {built.year_label}",
        report=built,
        year=year,
        years=oversight.years_with_cases(),
    )


@bp.route("/report.pdf")
@requires(is_governor)
def report_pdf() -> Response:
    from casetracker.pdf import oversight as renderer

    year = _year()
    built = oversight.build_report(year, require_school().name)
    data = renderer.render(built)
    oversight.record_view(_actor(), year, "oversight.exported")
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="oversight-report-{year}-{year + 1}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
