"""The chronology as the case page shows it: every entry in order, corrections beside what they
correct, evidence links, and the "Correct this entry" link only where the case manager may use it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from typing import NamedTuple

import pytest
from flask import Flask

from casetracker.domain.people import Office
from casetracker.extensions import db
from casetracker.models import Case, CaseCollaborator, User
from casetracker.services import attachments, case_store
from tests.case_helpers import seeded_case
from tests.conftest import make_user, sign_in

WHEN = dt.datetime(2026, 3, 2, 14, 5, tzinfo=dt.UTC)  # 2:05pm in London (GMT)


class Entry(NamedTuple):
    id: uuid.UUID
    seq: int


def build(app: Flask, *, closed: bool = False) -> tuple[uuid.UUID, dict[str, Entry], uuid.UUID]:
    with app.app_context():
        case = seeded_case("CHRONO", entries=2, commit=False)
        first, second = (e for e in case_store.chronology(case) if e.body.get("text", "").startswith("Entry "))
        corrected = case_store.add_entry(
            case,
            "note",
            {"text": "Entry 0 CHRONO, as it should have read", "correction_reason": "Wrong room <b>named</b>"},
            occurred_at=WHEN,
            author={"name": "Hana Head"},
            supersedes=first,
        )
        stored = attachments.store(uuid.uuid4(), case, second, "Notes – Łódź <script>.txt", b"evidence")
        if closed:
            db.session.get(Case, case.id).status = "closed"
        db.session.commit()
        entries = {"first": first, "second": second, "correction": corrected}
        return case.id, {name: Entry(e.id, e.seq) for name, e in entries.items()}, stored.id


def page(app: Flask, user: User, case_id: uuid.UUID) -> str:
    client = app.test_client()
    sign_in(client, user)
    response = client.get(f"/cases/{case_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def entry_html(html: str, seq: int) -> str:
    found = re.search(rf'<li class="[^"]*" id="entry-{seq}">(.*?)</li>', html, re.S)
    assert found, f"no entry {seq}"
    return found.group(1)


def test_the_case_manager_sees_each_entry_its_correction_and_its_evidence(app: Flask) -> None:
    head = make_user(app, "Hana Head", office=Office.HEADTEACHER)
    case_id, entries, file_id = build(app)
    html = page(app, head, case_id)
    first, second, correction = (entries[name] for name in ("first", "second", "correction"))
    seqs = [int(seq) for seq in re.findall(r'id="entry-(\d+)"', html)]
    assert seqs == sorted(seqs) and correction.seq == seqs[-1]

    superseded = entry_html(html, first.seq)
    assert "Superseded" in superseded and f"Corrected by entry {correction.seq}." in superseded
    assert "<del>" in superseded and "Correct this entry" not in superseded  # only the current version

    corrects = entry_html(html, correction.seq)
    assert f"Corrects entry {first.seq}. Reason: Wrong room &lt;b&gt;named&lt;/b&gt;" in corrects
    assert "Happened 2 March 2026 at 2:05pm." in corrects and "by Hana Head." in corrects
    assert f'href="/cases/{case_id}/entries/{correction.id}/correct"' in corrects

    evidence = entry_html(html, second.seq)
    assert f'href="/cases/{case_id}/attachments/{file_id}"' in evidence
    sha256 = hashlib.sha256(b"evidence").hexdigest()
    assert f">Notes _ __d_ _script_.txt</a> (SHA-256 {sha256[:16]}…)" in evidence  # the name as stored
    assert f'href="/cases/{case_id}/entries/{second.id}/correct"' in evidence

    # Entries the service wrote (the report received, routing) are not corrected from here.
    system = [seq for seq in seqs if seq not in (first.seq, second.seq, correction.seq)]
    assert system and all("Correct this entry" not in entry_html(html, seq) for seq in system)


@pytest.mark.parametrize("who", ["collaborator", "case manager of a closed case"])
def test_no_one_else_is_offered_a_correction(app: Flask, who: str) -> None:
    head = make_user(app, "Hana Head", office=Office.HEADTEACHER)
    case_id, entries, _ = build(app, closed=who != "collaborator")
    viewer = head
    if who == "collaborator":
        viewer = make_user(app, "Cal Collaborator", two_factor=True)
        with app.app_context():
            db.session.add(CaseCollaborator(case_id=case_id, user_id=viewer.id, added_by_id=head.id))
            db.session.commit()
    html = page(app, viewer, case_id)
    assert "Correct this entry" not in html
    assert f"Corrected by entry {entries['correction'].seq}." in html
