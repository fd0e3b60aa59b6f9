"""Browser tests: Playwright drives Debian's chromium against a live server on loopback."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    # Playwright's own browser download cannot work here: use Debian's chromium, offline.
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


class AccessibilityChecker:
    """Runs axe-core on each page a journey visits and collects every WCAG 2.2 A/AA violation."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.pages: list[str] = []
        self.violations: list[str] = []

    def check(self, page: Page) -> None:
        # Scan the page people see: loaded, its stylesheet applied and GOV.UK Frontend's script run.
        # A heading can be visible while the document is still loading; a scan then measures an
        # unstyled, half-built page whose links and buttons are not the size they will be.
        page.wait_for_load_state("load")
        page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        self.pages.append(page.url)
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]]
            self.violations.append(f"{page.url}: {violation['id']} ({violation['impact']}) {targets}")


@pytest.fixture()
def axe() -> Iterator[AccessibilityChecker]:
    checker = AccessibilityChecker()
    yield checker
    assert checker.pages, "the journey checked no page for accessibility"
    assert checker.violations == []
