"""The demo school shows a newcomer every state a case can be in, and its chronology exports as a
PDF a person can look at (a page is rendered to PNG in every test run)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from casetracker.domain.entries import EntryType
from casetracker.domain.guidance import Outcome
from casetracker.extensions import db
from casetracker.models import Case, User
from casetracker.security.access import actor_for
from casetracker.services import case_running, chronology_export, demo
from tests.conftest import empty_all_tables


def test_demo_cases_cover_every_state_and_a_page_of_a_demo_chronology_renders(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        empty_all_tables()
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    with app.test_request_context():
        cases = db.session.scalars(select(Case)).all()
        states = {case.id: case_running.state_of(case) for case in cases}
        now = max(case.opened_at for case in cases)
        assert any(case.status == "open" for case in cases)
        assert any(case.lado_due_at is not None and case.lado_due_at < now for case in cases), "awaiting the LADO"
        suspended = [case for case in cases if states[case.id].is_suspended]
        assert suspended and states[suspended[0].id].latest(EntryType.SUSPENSION).get("named_contact")
        closed_outcomes = {states[case.id].outcome for case in cases if case.status == "closed"}
        assert closed_outcomes == set(Outcome)
        assert any(case.pattern_review_pending and case.kind == "low_level_concern" for case in cases)

        head = db.session.scalars(select(User).where(User.email == f"head@{demo.DOMAIN}")).one()
        export = chronology_export.export_chronology(actor_for(head), suspended[0], redacted=False)
    out = Path(os.environ.get("CASETRACKER_ARTIFACTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / "demo-chronology.pdf"
    pdf.write_bytes(export.data)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", str(pdf), str(out / "demo-chronology")], check=True
    )
    pages = sorted(out.glob("demo-chronology*.png"))
    assert pages and pages[0].stat().st_size > 10_000
