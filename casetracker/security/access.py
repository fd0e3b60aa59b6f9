"""Every route declares who may use it; a request to an undeclared route is refused.

`@public` marks a route anyone may use; `@requires(predicate, ...)` names policy predicates from
`casetracker.domain.policy` that the signed-in actor must satisfy. The check runs in one place,
`enforce_route_access`, before every request. An architecture test walks the URL map.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from casetracker.clock import utcnow
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor
from casetracker.extensions import db
from casetracker.models import OfficeHolding, User
from casetracker.services.case_access import collaborates_on_a_case

ACCESS_ATTR = "_casetracker_access"
# Flask's own static route cannot carry an attribute (it is a bound method).
PUBLIC_ENDPOINTS = frozenset({"static"})

Predicate = Callable[[Actor], bool]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class RouteAccess:
    is_public: bool
    predicates: tuple[Predicate, ...] = ()
    needs_recent_sign_in: bool = False


def public(view: F) -> F:
    setattr(view, ACCESS_ATTR, RouteAccess(is_public=True))
    return view


def requires(*predicates: Predicate, recent_sign_in: bool = False) -> Callable[[F], F]:
    if not predicates:
        raise TypeError("requires() needs at least one policy predicate")

    def decorate(view: F) -> F:
        setattr(view, ACCESS_ATTR, RouteAccess(False, predicates, recent_sign_in))
        return view

    return decorate


def route_access(endpoint: str) -> RouteAccess | None:
    if endpoint in PUBLIC_ENDPOINTS:
        return RouteAccess(is_public=True)
    view = current_app.view_functions.get(endpoint)
    return getattr(view, ACCESS_ATTR, None)


def current_offices(person_id: Any) -> frozenset[Office]:
    rows = db.session.scalars(
        select(OfficeHolding.office).where(OfficeHolding.person_id == person_id, OfficeHolding.ended_at.is_(None))
    )
    return frozenset(Office(office) for office in rows)


def actor_for(user: User) -> Actor:
    """A user account as the domain rules see it, with the offices its person holds now."""
    return Actor(
        user_id=user.id,
        person_id=user.person_id,
        roles=user.roles,
        offices=current_offices(user.person_id),
        collaborates=collaborates_on_a_case(user.id),
    )


def current_actor() -> Actor | None:
    """The signed-in user as the domain rules see them (built once per request)."""
    if not current_user.is_authenticated:
        return None
    if "actor" not in g:
        g.actor = actor_for(current_user)
    actor: Actor = g.actor
    return actor


def has_recent_sign_in() -> bool:
    stamp = session.get("authenticated_at")
    if not stamp:
        return False
    window = dt.timedelta(minutes=current_app.config["REAUTH_MINUTES"])
    return utcnow() - dt.datetime.fromisoformat(stamp) <= window


def enforce_route_access() -> Response | None:
    """Deny by default: undeclared routes answer 404; declared ones are checked here."""
    if request.endpoint is None:
        return None  # no such route: the router answers 404 or 405 itself
    access = route_access(request.endpoint)
    if access is None:
        current_app.logger.error("route %s declares no access rule", request.endpoint)
        abort(404)
    if access.is_public:
        return None
    actor = current_actor()
    if actor is None:
        return redirect(url_for("auth.sign_in", next=_safe_next()))
    if actor.needs_two_factor and not session.get("two_factor_verified"):
        # They became an office-holder since signing in: two-factor is now required.
        logout_user()
        session.clear()
        return redirect(url_for("auth.sign_in", next=_safe_next()))
    if not all(predicate(actor) for predicate in access.predicates):
        from casetracker import audit

        audit.record("access.denied", actor_user_id=actor.user_id, outcome="failure", endpoint=request.endpoint)
        db.session.commit()
        abort(403)
    if access.needs_recent_sign_in and not has_recent_sign_in():
        return redirect(url_for("auth.confirm_identity", next=_safe_next()))
    return None


def audit_case_not_found(response: Response) -> Response:
    """A 404 on a page that names a case is audited (services.probing): a case one may not see
    answers exactly as a missing one, but the trail shows who went looking."""
    rule = request.url_rule
    if response.status_code != 404 or rule is None or "case_id" not in rule.arguments:
        return response
    from casetracker.services.probing import record_case_not_found

    try:
        db.session.rollback()  # a refused page changes nothing: only its audit row is kept
        actor = current_actor()
        if actor is not None:
            record_case_not_found(actor.user_id, request.endpoint or "")
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("could not audit a refused case page")
    return response


def _safe_next() -> str:
    """A same-site path to come back to (never an absolute URL: no open redirect).

    After a POST the way back is the same address as a GET when the route has one; a POST-only
    action sends the user home, to start it again.
    """
    if request.method == "GET":
        return request.full_path.rstrip("?")
    if request.url_rule is not None and "GET" in (request.url_rule.methods or set()):
        return request.path
    return url_for("home.dashboard")


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no control characters or backslashes
    (browsers drop a tab or newline, so "/\t/evil.example" would become "//evil.example")."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if any(ord(ch) <= 0x20 or ch == "\\" for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
