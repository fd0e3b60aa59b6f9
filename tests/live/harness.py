"""A live Casetracker on loopback for the bench and the process-level tests (fault, scale-out).

gunicorn started in its own process against a database and keyring in a temporary directory, a
small HTTP client that keeps its own cookies and CSRF token, two-factor codes for a known secret,
an SMTP sink (production needs an SMTP server), and a throwaway PostgreSQL cluster.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from casetracker.clock import london_today

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
# Above Linux's default ephemeral range (32768-60999): polling a port inside it that nothing
# listens on yet can connect a socket to itself, which reads back its own request.
PORTS = range(61000, 61301)


# --- ports, processes --------------------------------------------------------------------------

_taken: set[int] = set()


def free_port() -> int:
    for port in PORTS:
        if port in _taken:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _taken.add(port)
        return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def memory_kb(pid: int) -> dict[str, int]:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, amount = line.split(":", 1)
                values[name] = int(amount.split()[0])
    except OSError:
        pass
    return values


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    startup_seconds: float
    log: Path

    @property
    def workers(self) -> list[int]:
        return children_of(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_gunicorn(
    name: str,
    app: str,
    env: dict[str, str],
    workdir: Path,
    workers: int = 2,
    pythonpath: Path | None = None,
    port: int | None = None,
) -> Server:
    """Start gunicorn and time it from process start to the first 200 from /healthz."""
    port = port or free_port()
    log = workdir / f"{name}.log"
    # No control socket: gunicorn 27 puts one in ~/.gunicorn, shared with anyone else's gunicorn.
    command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--no-control-socket"]
    if pythonpath is not None:
        command += ["--pythonpath", str(pythonpath)]
    command.append(app)
    with log.open("wb") as handle:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ({name}) exited: see {log}\n" + log.read_text()[-3000:])
        try:
            if Client(port).get("/healthz", timeout=1).status == 200:
                break
        except (OSError, http.client.HTTPException):
            pass  # not listening yet, or not yet answering HTTP
        if time.perf_counter() - started > 60:
            process.kill()
            raise RuntimeError(f"gunicorn ({name}) did not answer within 60 s: see {log}")
        time.sleep(0.01)
    server = Server(name, port, process, time.perf_counter() - started, log)
    # Wait for every worker to answer (each imports the app when it boots).
    deadline = time.perf_counter() + 30
    while len(server.workers) < workers and time.perf_counter() < deadline:
        time.sleep(0.05)
    return server


# --- HTTP client -------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')


class Client:
    """One visitor: its own cookies (sent by hand, so the production `Secure` cookie works over
    plain HTTP on loopback), one connection per request."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        # Sent with every request: e.g. the X-Forwarded-For a load balancer adds for this visitor.
        self.headers: dict[str, str] = dict(headers or {})

    def request(self, method: str, path: str, form: dict[str, Any] | None = None, timeout: float = 120) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = cookie.partition(";")
            name, _, value = pair.strip().partition("=")
            if "max-age=0" in attributes.lower().replace(" ", "") or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def get(self, path: str, timeout: float = 120) -> Response:
        return self.request("GET", path, timeout=timeout)

    def post(self, path: str, form: dict[str, Any]) -> Response:
        return self.request("POST", path, {**form, "csrf_token": self.csrf})

    def page(self, path: str) -> Response:
        """GET a page with a form and keep its CSRF token (one per session: it has no time limit)."""
        response = self.get(path)
        tag = CSRF.search(response.text)
        if tag:
            match = VALUE.search(tag.group(0))
            if match:
                self.csrf = match.group(1)
        return response


class Totp:
    """Codes for the demo headteacher's known secret. Each code works once: the server refuses a
    time step not later than the last one used, so each sign-in takes the next unused step."""

    def __init__(self, secret: str) -> None:
        import pyotp

        self.totp = pyotp.TOTP(secret)
        self.last_step = -1

    def code(self) -> str:
        while True:
            current = int(time.time()) // 30
            step = max(current - 1, self.last_step + 1)
            if step <= current + 1:
                self.last_step = step
                return str(self.totp.at(step * 30))
            time.sleep(1)


def sign_in(port: int, email: str, password: str, totp: Totp | None = None) -> Client:
    client = Client(port)
    client.page("/sign-in")
    response = client.post("/sign-in", {"email": email, "password": password})
    if response.status != 302:
        raise RuntimeError(f"sign-in as {email} answered {response.status}")
    if "security-code" in response.location:
        if totp is None:
            raise RuntimeError(f"{email} needs a two-factor code")
        client.page(response.location)
        response = client.post("/sign-in/security-code", {"code": totp.code()})
        if response.status != 302 or "security-code" in response.location:
            raise RuntimeError(f"two-factor code for {email} refused ({response.status})")
    if client.get("/").status != 200:
        raise RuntimeError(f"signed in as {email}, but the home page does not answer 200")
    client.page("/report")  # a CSRF token for later forms (sign-in starts a new session, with a new token)
    return client


# --- set-up ------------------------------------------------------------------------------------


class SmtpSink:
    """Production needs an SMTP server: a sink on loopback that accepts and counts messages."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        class Handler:
            count = 0

            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                Handler.count += 1
                return "250 OK"

        self.handler = Handler
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def flask(args: list[str], env: dict[str, str]) -> None:
    completed = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{completed.stdout.decode()}{completed.stderr.decode()}")


def start_postgres() -> tuple[str, Callable[[], None]]:
    """A throwaway cluster on loopback, as `make test-postgres` makes one (fsync off)."""
    port = free_port()
    directory = f"/tmp/casetracker-bench-pg-{os.getuid()}-{os.getpid()}"
    script = str(ROOT / "scripts" / "pg-test-cluster")
    url = subprocess.run(
        [script, "start", directory, str(port)], check=True, capture_output=True, text=True
    ).stdout.strip()

    def stop() -> None:
        subprocess.run([script, "stop", directory, str(port)], check=False, capture_output=True)

    return url, stop


def environments(workdir: Path, database_url: str, smtp_port: int) -> tuple[dict[str, str], dict[str, str]]:
    """(set-up and seeding: development, so the demo tools work; serving: production)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CASETRACKER_")}
    base.update(
        {
            "CASETRACKER_SECRET_KEY": secrets.token_urlsafe(48),
            "CASETRACKER_KEY_FILE": str(workdir / "keyring.json"),
            "CASETRACKER_DATABASE_URL": database_url,
            "CASETRACKER_ATTACHMENT_DIR": str(workdir / "attachments"),
            "CASETRACKER_MAIL_FROM": "casetracker-bench@localhost",
            "CASETRACKER_BASE_URL": "http://127.0.0.1:5000",
        }
    )
    setup = {**base, "CASETRACKER_ENV": "development"}
    serve = {**base, "CASETRACKER_ENV": "production", "CASETRACKER_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"}
    return setup, serve


# --- the reporting journey ---------------------------------------------------------------------


def concern_pages(marker: str) -> list[tuple[str, dict[str, Any], str]]:
    """A low-level concern about a fictional visitor not in the staff directory, question page by
    question page: (path, form, where the answer should redirect). `marker` is written into the
    visitor's name and the account of what happened, so the report can be found afterwards.
    Posting "/report/check" afterwards sends it."""
    when = london_today() - dt.timedelta(days=3)  # the server's clock is the system clock, in London
    return [
        ("/report", {"immediate_danger": "no"}, "/report/kind"),
        ("/report/kind", {"concern": "colleague"}, "/report/person"),
        ("/report/person", {"person": "not_listed"}, "/report/person/not-listed"),
        (
            "/report/person/not-listed",
            {
                "name": f"Visitor {marker} (fictional)",
                "role": "Visiting sports coach",
                "organisation": "Fictional Coaching Ltd",
                "relationship": "contractor",
            },
            "/report/questions",
        ),
        (
            "/report/questions",
            {
                "harmed_a_child": "no",
                "criminal_offence": "no",
                "risk_of_harm": "no",
                "unsuitable_to_work_with_children": "no",
            },
            "/report/what-happens-next",
        ),
        (
            "/report/details",
            {
                "what_happened": f"Fictional ({marker}): spoke sharply to a pupil and kept them in at break alone.",
                "date": [str(when.day), str(when.month), str(when.year)],
                "time": "10:30",
                "where": "Year 4 classroom",
                "children": "Pupil B (fictional), Year 4",
                "witnesses": "",
                "action_taken": "Told the class teacher.",
            },
            "/report/check",
        ),
    ]
