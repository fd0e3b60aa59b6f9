"""What encryption at rest costs: a case page with 200 chronology entries, AES-GCM vs no cipher.

Run: .venv/bin/python bench/encryption_cost.py  (prints one ratio; goal <= 1.1)
Both variants run in one process, interleaved, so machine noise hits both alike.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template_string
from flask_migrate import upgrade

from casetracker import create_app, crypto
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Case, School
from casetracker.services import case_store
from config import TestConfig

ENTRIES = 200
ROUNDS = 30

PAGE = """{% extends "layouts/base.html" %}
{% block content %}
<h1 class="govuk-heading-l">{{ case.summary }}</h1>
{{ govukTable({"caption": "Chronology", "head": [{"text": "When"}, {"text": "What"}, {"text": "By"}],
  "rows": rows}) }}
{% endblock %}"""


def seed(cipher: crypto.Cipher) -> uuid.UUID:
    keyring().cipher = cipher
    case = case_store.create_case(
        None,
        case_store.NewCase(kind="allegation", summary="Benchmark case", answers={"what_happened": "x" * 800}),
    )
    for number in range(ENTRIES - 1):
        case_store.add_entry(
            case,
            "note",
            {"text": f"Entry {number}: " + "a fictional account of a meeting. " * 8},
            occurred_at=dt.datetime.now(dt.UTC),
            author={"name": "Fictional Author"},
        )
    db.session.commit()
    return case.id


def render(app, case_id: uuid.UUID, cipher: crypto.Cipher) -> float:  # type: ignore[no-untyped-def]
    keyring().cipher = cipher
    start = time.perf_counter()
    with app.test_request_context("/"):
        db.session.remove()  # a fresh request: the data key is unwrapped again
        case = db.session.get(Case, case_id)
        entries = case_store.chronology(case)
        rows = [
            [
                {"text": entry.occurred_at.isoformat()},
                {"text": entry.body["text"]},
                {"text": (entry.body["author"] or {}).get("name", "")},
            ]
            for entry in entries
        ]
        html = render_template_string(PAGE, case=case, rows=rows, title="Case")
    assert len(html) > ENTRIES * 50
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.db"
            KEY_FILE = f"{tmp}/keyring.json"
            ATTACHMENT_DIR = f"{tmp}/files"

        crypto.Keyring.create(Config.KEY_FILE)
        app = create_app(Config)
        with app.app_context():
            upgrade()
            db.session.add(School(name="Benchmark School"))
            db.session.commit()
            encrypted, null = crypto.AesGcmCipher(), crypto.NullCipher()
            encrypted_case, null_case = seed(encrypted), seed(null)
            timings: dict[str, list[float]] = {"encrypted": [], "null": []}
            for _ in range(3):  # warm up both paths
                render(app, encrypted_case, encrypted)
                render(app, null_case, null)
            for _ in range(ROUNDS):
                timings["encrypted"].append(render(app, encrypted_case, encrypted))
                timings["null"].append(render(app, null_case, null))
            db.engine.dispose()
    enc, plain = statistics.median(timings["encrypted"]), statistics.median(timings["null"])
    ratio = enc / plain
    print(f"case page, {ENTRIES} chronology entries, median of {ROUNDS}:")
    print(f"  encrypted (AES-256-GCM) {enc * 1000:.1f} ms   null cipher {plain * 1000:.1f} ms")
    print(f"  ratio encrypted / null = {ratio:.3f}   goal <= 1.10   {'MET' if ratio <= 1.1 else 'MISSED'}")


if __name__ == "__main__":
    main()
