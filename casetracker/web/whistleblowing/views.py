"""Anonymous whistleblowing: public pages that record no account, address, browser or session.

- No session: `casetracker.security.sessions` neither reads, writes nor touches a session row for
  this blueprint and sets no cookie, so even a signed-in browser is nobody here (the pages never
  read the signed-in user, and render with no navigation).
- No drafts on the server: the answers travel in the pages themselves (hidden inputs on the check
  page), and the receipt code travels in the follow-up and reply forms.
- No address: rate limits count a keyed hash of the address in transient counters; the key is
  random per process and never stored, so neither the counters nor the limiter's log line can
  be turned back into an address. Nothing else here logs anything about the request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request
from flask_limiter.util import get_remote_address
from markupsafe import Markup, escape

from casetracker.clock import london_today
from casetracker.domain.reports import ThresholdAnswer, Wrongdoing
from casetracker.extensions import csrf, limiter
from casetracker.keystore import keyring
from casetracker.security.access import public
from casetracker.services import whistleblowing as service
from casetracker.web.whistleblowing.forms import WRONG_CODE, ConcernForm, ReceiptCodeForm, ReplyForm

bp = Blueprint("whistleblowing", __name__, url_prefix="/whistleblowing")

# Flask-WTF keeps its CSRF token in the session, and these pages must have none: the forms carry no
# token (their Meta says so) and the blueprint is exempt. `require_same_origin` protects them instead.
csrf.exempt(bp)

DEFAULT_RATE_LIMIT = "10 per minute"

NO_IDENTITY: dict[str, Any] = {"navigation": [], "signed_in": False}


def _rate_limit() -> str:
    return str(current_app.config.get("WHISTLEBLOWING_RATE_LIMIT", DEFAULT_RATE_LIMIT))


def anonymous_rate_key(index_key: bytes, day: dt.date, address: str) -> str:
    """The limiter's key for an address: a keyed hash, never the address. The key is derived from
    the keyring, so every worker and server counts together in a shared store (security review of
    December 2026, finding 14: a random key per process gave each worker its own limit), and it
    changes every day, so counters cannot be matched across days."""
    daily = hmac.new(index_key, b"whistleblowing-rate-limit\x1f" + day.isoformat().encode(), hashlib.sha256).digest()
    return "whistleblowing:" + hmac.new(daily, address.encode(), hashlib.sha256).hexdigest()[:32]


def _anonymous_rate_key() -> str:
    return anonymous_rate_key(keyring().index_key, london_today(), get_remote_address() or "")


def _limited(view: Any) -> Any:
    return limiter.limit(_rate_limit, key_func=_anonymous_rate_key, methods=["POST"])(view)


def _allowed_origins() -> set[str]:
    origins = {f"{request.scheme}://{request.host}".lower()}
    base = urlsplit(str(current_app.config.get("BASE_URL") or ""))
    if base.scheme and base.netloc:
        origins.add(f"{base.scheme}://{base.netloc}".lower())
    return origins


@bp.before_request
def require_same_origin() -> None:
    """Every POST must come from a page of this site.

    This stands in for the usual CSRF token, which lives in the session these pages must not
    have. Forging a request here could not abuse anyone's signed-in state (there is none to
    abuse), but another site could still post concerns or replies in a visitor's name-less
    browser; what matters most is that nothing links the whistleblower to a session.

    Browsers send `Origin` on every POST. Under our `Referrer-Policy: no-referrer` a same-origin
    form post may say `Origin: null`, so then `Sec-Fetch-Site` must say `same-origin`. A POST that
    shows neither is refused.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    origin = (request.headers.get("Origin") or "").strip()
    if origin and origin != "null":
        if origin.lower().rstrip("/") not in _allowed_origins():
            abort(400)
        return
    if request.headers.get("Sec-Fetch-Site") != "same-origin":
        abort(400)


def _render(template: str, **context: Any) -> str:
    """Render with no navigation and as nobody: these pages never read who is signed in."""
    return render_template(f"whistleblowing/{template}", **NO_IDENTITY, **context)


@bp.route("")
@public
def start() -> str:
    return _render("start.html", title="Raise a whistleblowing concern anonymously")


@bp.route("/new", methods=["GET", "POST"])
@public
@_limited
def new() -> str:
    """The concern form. A POST here comes from 'Change your answers': the form again, filled in."""
    form = ConcernForm()
    if request.method == "POST":
        form.validate()
    return _render_concern_form(form)


@bp.route("/check", methods=["POST"])
@public
@_limited
def check() -> str:
    form = ConcernForm()
    if not form.validate():
        return _render_concern_form(form)
    return _render("check.html", title="Check your answers before sending", form=form, rows=_answer_rows(form))


@bp.route("/send", methods=["POST"])
@public
@_limited
def send() -> str:
    """File the concern and show the receipt code, once. No redirect: the code is never shown again."""
    form = ConcernForm()
    if not form.validate():
        return _render_concern_form(form)
    try:
        receipt = service.raise_concern(_concern(form))
    except service.WhistleblowingError as error:
        form.what_happened.errors = [str(error)]
        return _render_concern_form(form)
    return _render(
        "sent.html",
        title="Concern sent",
        receipt_code=receipt.receipt_code,
        is_potential_allegation=receipt.is_potential_allegation,
    )


@bp.route("/follow-up", methods=["GET", "POST"])
@public
@_limited
def follow_up() -> str:
    form = ReceiptCodeForm()
    if request.method == "POST" and form.validate():
        found = service.follow_up(form.code.data or "")
        if found is not None:
            return _render_follow_up(found, form.code.data or "", ReplyForm(formdata=None))
        form.code.errors = [WRONG_CODE]
    return _render("follow_up.html", title="Follow up your concern", form=form)


@bp.route("/reply", methods=["POST"])
@public
@_limited
def reply() -> str:
    form = ReplyForm()
    valid = form.validate()
    code = form.code.data or ""
    if form.code.errors:
        return _wrong_code(code)
    if not valid:
        found = service.follow_up(code)
        if found is None:
            return _wrong_code(code)
        return _render_follow_up(found, code, form)
    try:
        updated = service.reply(code, form.text.data or "")
    except service.WhistleblowingError as error:
        found = service.follow_up(code)
        if found is None:
            return _wrong_code(code)
        form.text.errors = [str(error)]
        return _render_follow_up(found, code, form)
    if updated is None:
        return _wrong_code(code)
    return _render_follow_up(updated, code, ReplyForm(formdata=None), reply_sent=True)


def _wrong_code(code: str) -> str:
    form = ReceiptCodeForm(formdata=None)
    form.code.data = code[:100]
    form.code.errors = [WRONG_CODE]
    return _render("follow_up.html", title="Follow up your concern", form=form)


def _render_follow_up(found: service.FollowUp, code: str, form: ReplyForm, *, reply_sent: bool = False) -> str:
    form.code.data = code
    return _render(
        "status.html",
        title="Your concern",
        follow_up=found,
        form=form,
        reply_sent=reply_sent,
    )


def _render_concern_form(form: ConcernForm) -> str:
    return _render("new.html", title="Raise a whistleblowing concern anonymously", form=form)


def _concern(form: ConcernForm) -> service.AnonymousConcern:
    return service.AnonymousConcern(
        wrongdoing=Wrongdoing(form.wrongdoing.data),
        what_happened=form.what_happened.data or "",
        harm_to_a_child=ThresholdAnswer(form.harm_to_a_child.data),
        when=form.when.data or "",
        where=form.where.data or "",
        who_is_involved=form.who_is_involved.data or "",
        headteacher_involved=bool(form.headteacher_involved.data),
        evidence=form.evidence.data or "",
        personal_interest=form.personal_interest.data or "",
    )


def _lines(text: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in text.splitlines())


def _answer_rows(form: ConcernForm) -> list[dict[str, Any]]:
    """The GOV.UK summary list of the answers (line breaks kept, everything escaped)."""
    values = [
        (form.wrongdoing, Wrongdoing(form.wrongdoing.data).label),
        (form.what_happened, form.what_happened.data),
        (form.when, form.when.data),
        (form.where, form.where.data),
        (form.who_is_involved, form.who_is_involved.data),
        (form.headteacher_involved, "Yes" if form.headteacher_involved.data else "No"),
        (form.evidence, form.evidence.data),
        (form.personal_interest, form.personal_interest.data),
        (form.harm_to_a_child, ThresholdAnswer(form.harm_to_a_child.data).label),
    ]
    label_of = {
        "headteacher_involved": "Is the headteacher involved?",
    }
    return [
        {
            "key": {"text": label_of.get(field.name, field.label.text.replace(" (optional)", ""))},
            "value": {"html": _lines((value or "").strip()) or "Not given"},
        }
        for field, value in values
    ]
