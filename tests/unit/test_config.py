"""Configuration fails fast: production refuses to start without its secrets."""

from __future__ import annotations

import pytest

from config import ConfigError, ProductionConfig, config_from_environment

REQUIRED = [
    "CASETRACKER_SECRET_KEY",
    "CASETRACKER_DATABASE_URL",
    "CASETRACKER_KEY_FILE",
    "CASETRACKER_SMTP_URL",
    "CASETRACKER_MAIL_FROM",
    "CASETRACKER_BASE_URL",
]


def production(monkeypatch: pytest.MonkeyPatch, **env: str) -> type[ProductionConfig]:
    for name in REQUIRED:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    class Checked(ProductionConfig):
        SECRET_KEY = env.get("CASETRACKER_SECRET_KEY")
        SMTP_URL = env.get("CASETRACKER_SMTP_URL", "")

    return Checked


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_names_each_missing_setting(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    env = {name: "x" * 40 for name in REQUIRED if name != missing}
    with pytest.raises(ConfigError, match=missing):
        production(monkeypatch, **env).check()


def test_production_starts_with_everything_set(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, **dict.fromkeys(REQUIRED, "x" * 40)).check()


def test_production_refuses_a_short_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    env = dict.fromkeys(REQUIRED, "x" * 40) | {"CASETRACKER_SECRET_KEY": "short"}
    with pytest.raises(ConfigError, match="at least 32"):
        production(monkeypatch, **env).check()


def test_create_app_refuses_production_without_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    from casetracker import create_app

    with pytest.raises(ConfigError, match="CASETRACKER_SECRET_KEY"):
        create_app(production(monkeypatch))


def test_environment_chooses_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASETRACKER_ENV", "production")
    assert config_from_environment() is ProductionConfig
    monkeypatch.setenv("CASETRACKER_ENV", "staging")
    with pytest.raises(ConfigError, match="development' or 'production"):
        config_from_environment()


def test_production_cookies_and_hsts() -> None:
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_NAME.startswith("__Host-")
    assert ProductionConfig.HSTS is True
    assert ProductionConfig.DEMO_TOOLS is False
