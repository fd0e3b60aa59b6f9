"""Casetracker: recording and acting on concerns about adults who work with children."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import BASE_DIR, INSTANCE_DIR, Config, config_from_environment, engine_options


def create_app(config: type[Config] | None = None, *, check_keys: bool = True) -> Flask:
    config = config or config_from_environment()
    config.check()

    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from casetracker.security import request_log

    request_log.install()

    from casetracker import cli, templating
    from casetracker.extensions import csrf, db, limiter, login_manager, migrate
    from casetracker.security import headers, input_guard, passwords
    from casetracker.security.access import audit_case_not_found, enforce_route_access
    from casetracker.security.sessions import DatabaseSessionInterface
    from casetracker.web import errors

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db.init_app(app)
    _tune_sqlite(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    app.config["RATELIMIT_STORAGE_URI"] = config.RATELIMIT_STORAGE_URI
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = None  # sessions are server-side and rotated at sign-in
    app.session_interface = DatabaseSessionInterface()
    passwords.init_app(app)

    @login_manager.user_loader
    def load_user(user_id: str):  # type: ignore[no-untyped-def]
        from sqlalchemy.orm import joinedload

        from casetracker.models import User

        try:
            # Its roles in the same statement: every signed-in request needs them.
            user = db.session.get(User, uuid.UUID(user_id), options=[joinedload(User.role_grants)])
        except ValueError:
            return None
        # A deactivated account is signed out on its very next request.
        return user if user is not None and user.is_active else None

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = uuid.uuid4().hex

    input_guard.init_app(app)
    app.before_request(enforce_route_access)
    app.after_request(audit_case_not_found)
    headers.init_app(app)
    errors.init_app(app)
    templating.init_app(app)

    from casetracker.web.admin.views import bp as admin_bp
    from casetracker.web.auth.views import bp as auth_bp
    from casetracker.web.cases import destroy as _case_destroy_views  # noqa: F401  (adds its routes to the blueprint)
    from casetracker.web.cases import export as _case_export_views  # noqa: F401  (adds its routes to the blueprint)
    from casetracker.web.cases import history as _case_history_views  # noqa: F401  (adds its routes to the blueprint)
    from casetracker.web.cases import running as _case_running_views  # noqa: F401  (adds its routes to the blueprint)
    from casetracker.web.cases.views import bp as cases_bp
    from casetracker.web.data_protection.views import bp as data_protection_bp
    from casetracker.web.home.views import bp as home_bp
    from casetracker.web.offices.views import bp as offices_bp
    from casetracker.web.oversight.views import bp as oversight_bp
    from casetracker.web.report.views import bp as report_bp
    from casetracker.web.whistleblowing.views import bp as whistleblowing_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(offices_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(oversight_bp)
    app.register_blueprint(data_protection_bp)
    app.register_blueprint(report_bp)
    app.register_blueprint(whistleblowing_bp)

    cli.init_app(app)
    if check_keys:
        from casetracker.services.keys import load_keyring

        load_keyring(app)
    return app


def _tune_sqlite(app: Flask) -> None:
    """WAL mode and a busy timeout: readers never block the writer, writers queue politely."""
    from sqlalchemy import event

    from casetracker.extensions import db

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def set_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
