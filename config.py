"""Configuration classes. `CASETRACKER_ENV` chooses development or production; tests use TestConfig.

Every setting comes from the environment (documented in the README). Production refuses to
start when a secret is missing, naming what is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


# PostgreSQL connections: test each pooled connection as it is taken from the pool (one round trip),
# so that after the database server restarts its dead connections are replaced instead of failing
# a request, and give up connecting after a few seconds, so that while the server is unreachable a
# page answers "Sorry, the service is unavailable" instead of hanging. SQLite needs neither.
POSTGRES_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}


def engine_options(database_uri: str, configured: dict) -> dict:
    """SQLAlchemy engine options for this database: the defaults above, then what was configured."""
    if database_uri.startswith("postgresql"):
        return {**POSTGRES_ENGINE_OPTIONS, **configured}
    return dict(configured)


class ConfigError(RuntimeError):
    """The configuration cannot run: the message says what is missing."""


class Config:
    ENV_NAME = "base"
    SECRET_KEY: str | None = os.environ.get("CASETRACKER_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("CASETRACKER_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'casetracker.db'}")
    KEY_FILE = os.environ.get("CASETRACKER_KEY_FILE", str(INSTANCE_DIR / "keyring.json"))
    ATTACHMENT_DIR = os.environ.get("CASETRACKER_ATTACHMENT_DIR", str(INSTANCE_DIR / "attachments"))
    SMTP_URL = os.environ.get("CASETRACKER_SMTP_URL", "")
    MAIL_FROM = os.environ.get("CASETRACKER_MAIL_FROM", "casetracker@localhost")
    BASE_URL = os.environ.get("CASETRACKER_BASE_URL", "http://127.0.0.1:5000")
    RATELIMIT_STORAGE_URI = os.environ.get("CASETRACKER_RATELIMIT_STORAGE_URL", "memory://")
    # If the shared store cannot be reached, count in each process until it is back (and log it):
    # weaker limits for a while, rather than nobody able to sign in. The per-account lockout, in
    # the database, holds either way.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # How many reverse proxies (load balancer, nginx) stand in front of the app: their
    # X-Forwarded-For tells the rate limiter each visitor's own address.
    PROXY_HOPS = int(os.environ.get("CASETRACKER_PROXY_HOPS", "0"))

    # Sessions live in the database so that sign-out, timeouts and deactivation really revoke.
    SESSION_IDLE_MINUTES = 15
    SESSION_ABSOLUTE_HOURS = 8
    SESSION_COOKIE_NAME = "casetracker_session"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REAUTH_MINUTES = 5

    # Sign-in protection: a per-account lockout in the database plus IP rate limits.
    LOCKOUT_THRESHOLD = 5
    LOCKOUT_MINUTES = 15
    SIGN_IN_RATE_LIMIT = "20 per minute"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False

    # argon2id parameters (argon2-cffi defaults: RFC 9106 low-memory profile).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    PASSWORD_RESET_HOURS = 2
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the (server-side) session
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    HSTS = False
    IS_PRODUCTION = False
    DEMO_TOOLS = False

    @classmethod
    def check(cls) -> None:
        """Raise ConfigError when this configuration cannot run."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEMO_TOOLS = True

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            secret_file = INSTANCE_DIR / "secret_key"
            if not secret_file.exists():
                raise ConfigError(
                    "CASETRACKER_SECRET_KEY is not set and instance/secret_key does not exist: "
                    "run 'make run' (or 'make keys') to create development keys."
                )
            cls.SECRET_KEY = secret_file.read_text().strip()


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-casetracker_session"
    HSTS = True
    IS_PRODUCTION = True

    @classmethod
    def check(cls) -> None:
        missing = [
            name
            for name, value in (
                ("CASETRACKER_SECRET_KEY", cls.SECRET_KEY),
                ("CASETRACKER_DATABASE_URL", os.environ.get("CASETRACKER_DATABASE_URL")),
                ("CASETRACKER_KEY_FILE", os.environ.get("CASETRACKER_KEY_FILE")),
                ("CASETRACKER_SMTP_URL", cls.SMTP_URL),
                ("CASETRACKER_MAIL_FROM", os.environ.get("CASETRACKER_MAIL_FROM")),
                ("CASETRACKER_BASE_URL", os.environ.get("CASETRACKER_BASE_URL")),
            )
            if not value
        ]
        if missing:
            raise ConfigError("Casetracker will not start in production without: " + ", ".join(missing))
        if len(cls.SECRET_KEY or "") < 32:
            raise ConfigError("CASETRACKER_SECRET_KEY must be at least 32 characters long.")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production-000000"
    SQLALCHEMY_DATABASE_URI = os.environ.get("CASETRACKER_TEST_DATABASE_URL", "sqlite://")
    # Cheap hashing keeps the suite fast; production parameters are tested separately.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    SIGN_IN_RATE_LIMIT = "1000 per minute"
    DEMO_TOOLS = True


def config_from_environment() -> type[Config]:
    """The configuration class that CASETRACKER_ENV names (development by default)."""
    name = os.environ.get("CASETRACKER_ENV", "development")
    classes: dict[str, type[Config]] = {
        "development": DevelopmentConfig,
        "production": ProductionConfig,
    }
    if name not in classes:
        raise ConfigError(f"CASETRACKER_ENV must be 'development' or 'production', not {name!r}.")
    return classes[name]
