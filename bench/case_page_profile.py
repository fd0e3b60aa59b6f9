"""Where a case page's time goes: the profile behind the case-page and chronology ratios.

Run: .venv/bin/python bench/case_page_profile.py  (part of make bench)
In one process (the Flask test client, no network), against a SQLite file: /healthz, a case page
with 20 chronology entries and one with 200, each signed in as the case manager; and the 20-entry
page against its twin written with the null cipher, in turns (what encryption itself costs the
real page, free of the noise between two servers that the HTTP row has). It prints the
time per request and, from cProfile, the share of a case page spent in each part: rendering the
template, the database (SQLAlchemy and the driver), decrypting fields, auditing the read, the
chronology's fold, and the request's session and sign-in checks. These parts overlap a little
(a decrypt can run inside a template) so the shares are indicative, not a partition.

It also times the floor under any case page: a page that only does what every case page must
(open the server-side session, load the signed-in user and their offices, check the viewer may
see the case, audit the read and commit it, render the layout with no content). No cache of case
content could make a case page cheaper than that, so its rate against /healthz's bounds the
case-page ratio this design can reach. The same floor without the audited read shows what
auditing every read costs it.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, render_template
from flask.testing import FlaskClient
from flask_migrate import upgrade

from casetracker import create_app, crypto
from casetracker.domain.people import Office
from casetracker.domain.policy import is_signed_in
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import School
from casetracker.security.access import current_actor, requires
from casetracker.services import case_store
from casetracker.services.case_access import case_and_relation
from config import TestConfig
from tests.case_helpers import seeded_case
from tests.conftest import make_user, sign_in

ROUNDS = 60
PARTS = {
    "rendering the page (Jinja, GOV.UK macros)": ("flask/templating.py", "_render"),
    "database (SQLAlchemy + driver)": ("sqlalchemy/engine/base.py", "_execute_context"),
    "decrypting fields": ("casetracker/models/encrypted.py", "__get__"),
    "auditing the read (chained, committed)": ("casetracker/services/case_store.py", "record_case_view"),
    "the chronology's fold and running view": ("casetracker/services/case_running.py", "running_view"),
    "session, sign-in and access checks": ("flask/app.py", "preprocess_request"),
}


def build() -> tuple[Flask, FlaskClient, dict[str, uuid.UUID]]:
    tmp = tempfile.mkdtemp(prefix="casetracker-profile-")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/profile.db"
        KEY_FILE = f"{tmp}/keyring.json"
        ATTACHMENT_DIR = f"{tmp}/attachments"

    crypto.Keyring.create(Config.KEY_FILE)
    app = create_app(Config)
    for route, audited in (("floor", True), ("floor-unaudited", False)):
        app.add_url_rule(f"/bench/{route}/<uuid:case_id>", f"bench_{route}", floor, defaults={"audited": audited})
    with app.app_context():
        upgrade()
        db.session.add(School(name="Larkrise Community School (fictional)"))
        db.session.commit()
    head = make_user(app, "Hana Head", office=Office.HEADTEACHER)
    with app.app_context():
        cases = {
            "20 entries": seeded_case("TWENTY", entries=20).id,
            "200 entries": seeded_case("TWOHUNDRED", entries=200).id,
        }
        ring = keyring()
        aes, ring.cipher = ring.cipher, crypto.NullCipher()
        cases["20 entries, null cipher"] = seeded_case("NULLTWENTY", entries=20).id
        ring.cipher = aes
    client = app.test_client()
    sign_in(client, head)
    return app, client, cases


@requires(is_signed_in)
def floor(case_id: uuid.UUID, audited: bool) -> str:
    """What every case page must do before it shows anything, and nothing else (see above); without
    the audited read when `audited` is false, to show what auditing every read costs the floor."""
    actor = current_actor()
    assert actor is not None
    case, _relation = case_and_relation(actor, case_id)
    if audited:
        case_store.record_case_view(actor.user_id, case)
    return render_template("layouts/base.html", title=f"Case {case.reference}", official_sensitive=True)


def per_request(client: FlaskClient, path: str) -> float:
    for _ in range(5):
        assert client.get(path).status_code == 200
    best = float("inf")
    for _ in range(3):  # best of three runs of ROUNDS: the least disturbed by other work
        started = time.perf_counter()
        for _ in range(ROUNDS):
            client.get(path)
        best = min(best, (time.perf_counter() - started) / ROUNDS)
    return best


def shares(client: FlaskClient, path: str) -> dict[str, float]:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(ROUNDS // 2):
        client.get(path)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(timing[2] for timing in stats.values())  # all own time: the whole of the work
    found: dict[str, float] = {}
    for label, (file_end, function) in PARTS.items():
        cumulative = sum(
            timing[3] for (file, _, name), timing in stats.items() if file.endswith(file_end) and name == function
        )
        found[label] = cumulative / total if total else 0.0
    return found


def encrypted_vs_null(app: Flask, client: FlaskClient, cases: dict[str, uuid.UUID]) -> tuple[float, float]:
    """The real 20-entry case page, AES-GCM against the null cipher, in turns: median seconds."""
    with app.app_context():
        aes, null = keyring().cipher, crypto.NullCipher()

    def once(case_id: uuid.UUID, cipher: crypto.Cipher) -> float:
        with app.app_context():
            keyring().cipher = cipher
        started = time.perf_counter()
        assert client.get(f"/cases/{case_id}").status_code == 200
        return time.perf_counter() - started

    timings: dict[str, list[float]] = {"aes": [], "null": []}
    for turn in range(ROUNDS * 5 + 20):
        encrypted, plain = once(cases["20 entries"], aes), once(cases["20 entries, null cipher"], null)
        if turn >= 20:  # warmed up
            timings["aes"].append(encrypted)
            timings["null"].append(plain)
    with app.app_context():
        keyring().cipher = aes
    return statistics.median(timings["aes"]), statistics.median(timings["null"])


def main() -> None:
    app, client, cases = build()
    healthz = per_request(client, "/healthz")
    print(f"  /healthz in-process: {healthz * 1000:.2f} ms a request")
    encrypted, plain = encrypted_vs_null(app, client, cases)
    print(
        f"  case page, 20 entries, AES-GCM {encrypted * 1000:.2f} ms / null cipher {plain * 1000:.2f} ms "
        f"(medians, in turns) = {encrypted / plain:.3f}   goal <= 1.1"
    )
    del cases["20 entries, null cipher"]
    for label, route in (
        ("the floor (session, sign-in, access check, audited read, empty layout)", "floor"),
        ("the floor without the audited read", "floor-unaudited"),
    ):
        seconds = per_request(client, f"/bench/{route}/{cases['20 entries']}")
        print(f"  {label}: {seconds * 1000:.2f} ms a request ({healthz / seconds:.3f} of /healthz's rate)")
    for name, case_id in cases.items():
        seconds = per_request(client, f"/cases/{case_id}")
        print(f"  case page, {name}: {seconds * 1000:.2f} ms a request ({healthz / seconds:.3f} of /healthz's rate)")
        for label, share in shares(client, f"/cases/{case_id}").items():
            print(f"      {share * 100:5.1f} %  {label}")


if __name__ == "__main__":
    main()
