"""PostgreSQL restarted underneath a running Casetracker.

While the database is down every page (a signed-in user's, an anonymous visitor's, /healthz, a form
being sent) answers at once with 503 and the "Sorry, the service is unavailable" page: never a
500, never a hang, never a trip to the sign-in page. When the database is back the same gunicorn
workers, not restarted, serve the same signed-in user again: their session is in the database, so
it survives, and their next write is saved.

The test starts a PostgreSQL cluster of its own (so stopping it disturbs no other test) and runs in
the PostgreSQL run of the suite (`make test-postgres`, part of `make test`).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from casetracker.clock import utcnow
from casetracker.dates import LONDON
from tests.live.conftest import HEAD, LiveSite, on_postgres
from tests.live.fault_postgres import Cluster, postgres_installed, start_cluster
from tests.live.harness import Client, Response, Server, SmtpSink, environments

pytestmark = pytest.mark.skipif(
    not on_postgres(), reason="PostgreSQL only: runs in make test-postgres, on a cluster of its own"
)

# A page that takes longer than this to say the service is unavailable looks like a hang.
PROMPT_SECONDS = 5.0
UNAVAILABLE = "Sorry, the service is unavailable"


@pytest.fixture(scope="module")
def outage() -> Iterator[tuple[LiveSite, Cluster]]:
    if not postgres_installed():
        pytest.fail("PostgreSQL is not installed: `make test` installs it")
    cluster = start_cluster("outage")
    workdir = Path(tempfile.mkdtemp(prefix="casetracker-outage-"))
    sink = SmtpSink()
    setup_env, serve_env = environments(workdir, cluster.url, sink.port)
    site = LiveSite(workdir, cluster.url, setup_env, serve_env, sink)
    try:
        site.flask("keys", "init")
        site.flask("db", "upgrade")
        site.flask("demo", "seed")
        yield site, cluster
    finally:
        site.stop()
        sink.stop()
        cluster.remove()
        shutil.rmtree(workdir, ignore_errors=True)


def timed(send: Callable[[], Response]) -> tuple[Response, float]:
    began = time.monotonic()
    response = send()
    return response, time.monotonic() - began


def a_case_the_head_manages(site: LiveSite) -> uuid.UUID:
    engine = create_engine(site.database_url)
    try:
        with engine.connect() as conn:
            return uuid.UUID(
                str(
                    conn.execute(
                        text(
                            "SELECT id FROM case_record WHERE case_manager_office = 'headteacher' "
                            "AND status <> 'closed' AND destroyed_at IS NULL ORDER BY opened_at LIMIT 1"
                        )
                    ).scalar_one()
                )
            )
    finally:
        engine.dispose()


def note(text_: str) -> dict[str, object]:
    yesterday = utcnow().astimezone(LONDON).date() - dt.timedelta(days=1)
    return {"occurred_on": [str(yesterday.day), str(yesterday.month), str(yesterday.year)], "text": text_}


def assert_unavailable_page(response: Response, elapsed: float, what: str) -> None:
    assert response.status == 503, f"{what} answered {response.status} while the database was down"
    assert elapsed < PROMPT_SECONDS, f"{what} took {elapsed:.1f} s to answer"
    # The whole GOV.UK page (not the bare fallback): what happened, what to do, and where to turn.
    page = response.text
    assert f'<h1 class="govuk-heading-l">{UNAVAILABLE}</h1>' in page, what
    assert "Try again in a few minutes." in page
    assert "it may not have been saved" in page
    assert "call 999" in page


@dataclass
class Serving:
    site: LiveSite
    cluster: Cluster
    server: Server
    head: Client  # the headteacher, signed in once (a two-factor code works once)


@pytest.fixture(scope="module")
def serving(outage: tuple[LiveSite, Cluster]) -> Serving:
    site, cluster = outage
    server = site.start("outage", workers=2)
    return Serving(site, cluster, server, site.sign_in(server, HEAD))


def test_pages_say_the_service_is_unavailable_while_postgres_is_down_and_recover_by_themselves(
    serving: Serving,
) -> None:
    site, cluster, server, head = serving.site, serving.cluster, serving.server, serving.head
    workers = sorted(server.workers)
    case_id = a_case_the_head_manages(site)
    head.page(f"/cases/{case_id}/entries/new/note")
    assert head.get("/cases").status == 200
    visitor = Client(server.port)
    visitor.page("/sign-in")

    refused = f"Fictional note sent during the outage {uuid.uuid4().hex[:8]}."
    cluster.pause()
    try:
        # Several times each, so that both workers answer (each has its own connection pool).
        for _ in range(4):
            for path in ("/cases", "/", f"/cases/{case_id}", "/report"):
                response, elapsed = timed(lambda p=path: head.get(p, timeout=30))
                assert_unavailable_page(response, elapsed, f"{path} (signed in)")
            response, elapsed = timed(lambda: head.post(f"/cases/{case_id}/entries/new/note", note(refused)))
            assert_unavailable_page(response, elapsed, "sending a note")
            response, elapsed = timed(lambda: visitor.get("/sign-in", timeout=30))
            assert_unavailable_page(response, elapsed, "/sign-in (signed out)")
            response, elapsed = timed(
                lambda: visitor.post("/sign-in", {"email": HEAD, "password": "oakfield-demo-password"})
            )
            assert_unavailable_page(response, elapsed, "signing in")
            # A load balancer's health check: no cookie, a short answer.
            response, elapsed = timed(lambda: Client(server.port).get("/healthz", timeout=30))
            assert (response.status, elapsed < PROMPT_SECONDS) == (503, True)
            # With a session cookie, /healthz too says unavailable rather than failing.
            response, elapsed = timed(lambda: head.get("/healthz", timeout=30))
            assert (response.status, elapsed < PROMPT_SECONDS) == (503, True)
    finally:
        cluster.resume()

    # Back without restarting anything: the same workers, the same signed-in user, at once.
    for _ in range(4):
        for path in ("/cases", "/", f"/cases/{case_id}", "/healthz"):
            response, elapsed = timed(lambda p=path: head.get(p, timeout=30))
            assert response.status == 200, f"{path} answered {response.status} after the database came back"
            assert elapsed < PROMPT_SECONDS
    marker = f"Fictional note after the outage {uuid.uuid4().hex[:8]}."
    response = head.post(f"/cases/{case_id}/entries/new/note", note(marker))
    assert response.status == 302 and response.location.startswith(f"/cases/{case_id}")
    page = head.get(f"/cases/{case_id}").text
    assert marker in page
    # The note sent during the outage was refused, as its page said it may have been: not saved.
    assert refused not in page
    assert sorted(server.workers) == workers and server.process.poll() is None
    site.flask("audit", "verify")


def test_a_quick_database_restart_costs_no_request(serving: Serving) -> None:
    """PostgreSQL restarted while nobody was using the app (a package upgrade at night): each
    worker's pooled connections are dead, and the first visitor after it must not pay for that."""
    for _ in range(8):  # every worker has a pooled connection
        assert serving.head.get("/cases").status == 200
    serving.cluster.pause()
    serving.cluster.resume()
    statuses = [serving.head.get(path).status for _ in range(4) for path in ("/cases", "/", "/healthz")]
    assert statuses == [200] * len(statuses)
