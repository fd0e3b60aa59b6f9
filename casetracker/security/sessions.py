"""Server-side sessions in the database.

The cookie holds a random token; the database holds only its SHA-256 with the session's data.
Deleting a row revokes that session on every app server at once. Idle and absolute timeouts are
enforced here, on every request. We write this small interface rather than use Flask-Session
because Flask-Session stores the raw session id, creates its table outside our migrations and
commits the application's own database session (which would commit a view's unfinished writes).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from typing import Any

from flask import Flask, Request, Response
from flask import request as current_request
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.datastructures import CallbackDict
from werkzeug.exceptions import HTTPException

from casetracker.clock import utcnow
from casetracker.extensions import db
from casetracker.models import WebSession
from casetracker.security.passwords import token_digest

# Touch last_seen_at at most this often: idle timeouts stay accurate to the minute without a
# database write on every request.
TOUCH_EVERY = dt.timedelta(seconds=60)
TABLE = WebSession.__table__
# About one request in this many also deletes expired sessions, so the table cannot grow for ever.
PURGE_ONE_IN = 200
# Blueprints whose pages must never be linked to a session (anonymous whistleblowing): for them no
# session row is read, written, touched or expired, and no cookie is set, even when the browser
# is signed in. Their views see an empty session, so nobody is signed in there.
SESSIONLESS_BLUEPRINTS = frozenset({"whistleblowing"})
# What the driver raises when the database cannot be reached (down, restarting, connection lost).
# The error pages answer these with 503 "Sorry, the service is unavailable", never with a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class DatabaseSession(CallbackDict[str, Any], SessionMixin):
    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        token: str | None = None,
        created_at: dt.datetime | None = None,
        last_seen_at: dt.datetime | None = None,
    ) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.token = token
        self.created_at = created_at
        self.last_seen_at = last_seen_at
        self.modified = False
        self.rotate = False
        # The session could not be read or written because the database is unavailable: the
        # request is answered with 503 and the cookie is left alone, so the visitor is still
        # signed in when the database is back.
        self.unavailable = False

    def regenerate(self) -> None:
        """Issue a new session id (at sign-in): an id known before sign-in is worthless after."""
        self.rotate = True
        self.modified = True


class DatabaseSessionInterface(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> DatabaseSession:
        if is_sessionless(app, request):
            return DatabaseSession()
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 100:
            return DatabaseSession()
        # This runs before Flask's error handlers apply (an exception here would be a 500), so an
        # unreachable database is caught here and answered with 503 by refuse_if_unavailable.
        try:
            return self._open(app, token)
        except DATABASE_UNAVAILABLE as error:
            app.logger.error("database unavailable while reading a session: %s", type(error).__name__)
            session = DatabaseSession()
            session.unavailable = True
            return session

    def _open(self, app: Flask, token: str) -> DatabaseSession:
        with db.engine.connect() as conn:
            row = conn.execute(select(TABLE).where(TABLE.c.id == token_digest(token))).first()
        if row is None:
            return DatabaseSession()
        now = utcnow()
        created, seen = row.created_at, row.last_seen_at
        idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
        absolute = dt.timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
        if now - seen > idle or now - created > absolute:
            with db.engine.begin() as conn:
                conn.execute(delete(TABLE).where(TABLE.c.id == row.id))
            if row.user_id is not None:
                from casetracker import audit

                audit.record("session.expired", actor_user_id=row.user_id, object_type="user", object_id=row.user_id)
                db.session.commit()
            expired = DatabaseSession()
            expired["_expired"] = True
            expired.modified = False
            return expired
        return DatabaseSession(json.loads(row.data), token, created, seen)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, DatabaseSession)
        if session.unavailable or is_sessionless(app, current_request):
            return
        name = self.get_cookie_name(app)
        cookie = {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "httponly": True,
            "samesite": self.get_cookie_samesite(app),
        }
        session.pop("_expired", None)
        try:
            self._save(app, session, response, name, cookie)
        except DATABASE_UNAVAILABLE:
            # The error handlers turn this into the 503 page; saving that page must not try again.
            session.unavailable = True
            raise

    def _save(
        self, app: Flask, session: DatabaseSession, response: Response, name: str, cookie: dict[str, Any]
    ) -> None:
        """Write only when there is something to write: most requests touch no session row."""
        now = utcnow()
        if not session:
            if session.token:
                with db.engine.begin() as conn:
                    conn.execute(delete(TABLE).where(TABLE.c.id == token_digest(session.token)))
                response.delete_cookie(name, **cookie)
            return
        response.vary.add("Cookie")
        touch = session.last_seen_at is not None and now - session.last_seen_at > TOUCH_EVERY
        if session.token is not None and not session.rotate and not session.modified and not touch:
            return
        if secrets.randbelow(PURGE_ONE_IN) == 0:
            purge_expired_sessions(app)
        with db.engine.begin() as conn:
            if session.token and session.rotate:
                conn.execute(delete(TABLE).where(TABLE.c.id == token_digest(session.token)))
                session.token = None
            user_id = _user_id(session)
            if session.token is None:
                session.token = secrets.token_urlsafe(32)
                conn.execute(
                    insert(TABLE).values(
                        id=token_digest(session.token),
                        user_id=user_id,
                        data=json.dumps(dict(session)),
                        created_at=now,
                        last_seen_at=now,
                    )
                )
                response.set_cookie(name, session.token, **cookie)
            else:
                result = conn.execute(
                    update(TABLE)
                    .where(TABLE.c.id == token_digest(session.token))
                    .values(
                        user_id=user_id,
                        data=json.dumps(dict(session)),
                        last_seen_at=now,
                    )
                )
                if result.rowcount == 0:
                    # Revoked while this request ran (sign-out elsewhere, deactivation).
                    response.delete_cookie(name, **cookie)


def is_sessionless(app: Flask, request: Request) -> bool:
    """Whether this request is for a page that must stay unlinked from any session.

    `open_session` runs before Flask matches the URL, so the endpoint is matched here; a URL under
    such a blueprint's prefix that matches no route (a 404 or 405 page) counts too.
    """
    # Static files need no session, and must not touch or expire one: a whistleblowing page's own
    # stylesheet request would otherwise write "session expired" for the account next to the
    # anonymous report (security review of December 2026, finding 13).
    static = (app.static_url_path or "/static").rstrip("/")
    if request.path.startswith(static + "/"):
        return True
    endpoint = request.endpoint
    if endpoint is None:
        try:
            endpoint = str(app.create_url_adapter(request).match()[0])  # type: ignore[union-attr]
        except HTTPException:
            endpoint = None
    if endpoint is not None and endpoint.split(".", 1)[0] in SESSIONLESS_BLUEPRINTS:
        return True
    for name in SESSIONLESS_BLUEPRINTS:
        blueprint = app.blueprints.get(name)
        prefix = (blueprint.url_prefix or "").rstrip("/") if blueprint is not None else ""
        if prefix and (request.path == prefix or request.path.startswith(prefix + "/")):
            return True
    return False


def purge_expired_sessions(app: Flask) -> int:
    """Delete sessions past their idle or absolute timeout (they would be refused anyway)."""
    now = utcnow()
    idle = now - dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    absolute = now - dt.timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    with db.engine.begin() as conn:
        return int(
            conn.execute(delete(TABLE).where((TABLE.c.last_seen_at < idle) | (TABLE.c.created_at < absolute))).rowcount
        )


def _user_id(session: DatabaseSession) -> uuid.UUID | None:
    raw = session.get("_user_id")
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def revoke_user_sessions(user_id: uuid.UUID) -> None:
    """End every session of this user now (sign-out everywhere, deactivation, password reset).

    Runs inside the caller's transaction so it commits (or not) with the change that caused it.
    """
    db.session.execute(delete(WebSession).where(WebSession.user_id == user_id))
