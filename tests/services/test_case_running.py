"""Running a case in the services: typed entries, corrections, reclassification, closure, projections."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from casetracker.clock import london_today, utcnow
from casetracker.domain.deadlines import end_of_day
from casetracker.domain.entries import EntryType
from casetracker.domain.guidance import SuspensionAlternative
from casetracker.domain.policy import Actor
from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer
from casetracker.extensions import db
from casetracker.models import Attachment, AuditEvent, Case, ChronologyEntry, Report, School, User
from casetracker.services import attachments, calendar, case_management, case_running, case_store, dashboard, reporting
from casetracker.services.case_access import CaseNotFoundError, case_for
from casetracker.services.case_running import (
    CaseRunningError,
    ClosureBlockedError,
    EntryProblemsError,
    NewEntry,
)
from tests.services.test_reporting import actor_of
from tests.web.test_case_pages import file_case, school

ALL_NO = dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.NO)
CONCERN_TEXT = "Fictional: kept a pupil behind alone in the music room ZQV"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

LADO_CONSULTATION = {
    "how": "phone",
    "lado_name": "Lena Ladowska",
    "lado_authority": "Fictional Borough Council",
    "lado_reference": "LADO-4471",
    "shared": "Fictional: what the pupil said and who was present.",
}
OUTCOME_UNSUBSTANTIATED = {
    "outcome": "unsubstantiated",
    "removed_from_regulated_activity": "no",
    "personnel_record": "keep",
    "in_references": "no",
    "social_care_considered": None,
}
CLASSIFICATION_NO = {
    "harm_threshold": "no",
    "criminal_offence": "no",
    "subject_is_teacher": "yes",
    "child_is_pupil": "yes",
}


def entry(
    entry_type: EntryType,
    values: dict[str, Any] | None = None,
    *,
    text: str = "Fictional notes of what happened.",
    when: dt.datetime | None = None,
    files: tuple[tuple[str, bytes], ...] = (),
) -> NewEntry:
    return NewEntry(entry_type, when or utcnow() - dt.timedelta(hours=1), text, values or {}, files)


def file_concern(
    app: Flask,
    people: dict[str, User],
    *,
    reporter: str = "reporter",
    subject: str = "subject",
    kind: ReportKind = ReportKind.LOW_LEVEL_CONCERN,
    received_at: dt.datetime | None = None,
    implicates_headteacher: bool = False,
    text: str = CONCERN_TEXT,
) -> uuid.UUID:
    """A low-level concern (all four harm-threshold answers 'no') filed by `reporter` about `subject`."""
    with app.test_request_context():
        receipt = reporting.submit(
            actor_of(app, people[reporter]),
            reporting.Submission(
                kind=kind,
                answers={"what_happened": text},
                threshold_answers=ALL_NO,
                subject_person_id=people[subject].person_id,
                implicates_headteacher=implicates_headteacher,
                received_at=received_at,
            ),
        )
        return receipt.case_id


def set_low_level_route(app: Flask, route: str) -> None:
    with app.app_context():
        db.session.scalars(select(School)).one().low_level_concern_route = route
        db.session.commit()


def types_on(case: Case) -> list[str]:
    return [e.body["type"] for e in case_store.chronology(case)]


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0


def entry_count(case_id: uuid.UUID) -> int:
    return db.session.scalar(select(func.count()).where(ChronologyEntry.case_id == case_id)) or 0


def record(actor: Actor, case_id: uuid.UUID, new: NewEntry, **kwargs: Any) -> ChronologyEntry:
    return case_running.record_entry(actor, db.session.get(Case, case_id), new, **kwargs)


def complete_allegation(actor: Actor, case_id: uuid.UUID) -> None:
    """Every decision an unsubstantiated allegation needs before it may close."""
    record(actor, case_id, entry(EntryType.LADO_CONSULTATION, LADO_CONSULTATION))
    record(actor, case_id, entry(EntryType.LADO_DECISION, {"decision": "internal_investigation"}))
    record(actor, case_id, entry(EntryType.OUTCOME, OUTCOME_UNSUBSTANTIATED))
    record(actor, case_id, entry(EntryType.LEARNING_REVIEW, {"with_lado": "yes", "findings": "Fictional findings."}))


# --- Recording entries -------------------------------------------------------------------------


def test_an_entry_is_appended_with_its_author_and_both_times_and_the_case_becomes_open(app: Flask) -> None:
    """The chronology must say who recorded what, when it happened and when it was written down."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    happened = (utcnow() - dt.timedelta(hours=3)).replace(microsecond=0)
    with app.test_request_context():
        before_types = types_on(db.session.get(Case, case_id))
        assert db.session.get(Case, case_id).status == "received"
        written_from = utcnow()
        saved = record(head, case_id, entry(EntryType.BASIC_ENQUIRIES, when=happened, text="Fictional: was on duty."))
        written_to = utcnow()
        case = db.session.get(Case, case_id)
        chronology = case_store.chronology(case)
        assert [e.body["type"] for e in chronology] == [*before_types, "basic_enquiries"]
        last = chronology[-1]
        assert last.id == saved.id
        assert last.body["author"] == {"user_id": str(people["head"].id), "name": "Hattie Head"}
        assert last.body["text"] == "Fictional: was on duty."
        assert last.occurred_at == happened
        assert written_from <= last.recorded_at <= written_to
        assert case.status == "open"  # the reporter now sees "being looked at"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "chronology.entry_added")).one()
        assert event.actor_user_id == people["head"].id
        assert event.case_id == case_id
        assert event.object_id == str(saved.id)


@pytest.mark.parametrize("who", ["collaborator", "dsl", "chair", "stranger", "subject", "admin"])
def test_only_the_case_manager_may_record_and_nothing_is_written_for_anyone_else(app: Flask, who: str) -> None:
    """Collaborators may only look; anyone else is answered as if the case did not exist."""
    people = school(app)
    case_id = file_case(app, people)
    with app.test_request_context():
        case_management.add_collaborator(
            actor_of(app, people["head"]), db.session.get(Case, case_id), people["collaborator"].id
        )
        before = entry_count(case_id)
        with pytest.raises(CaseNotFoundError):
            record(actor_of(app, people[who]), case_id, entry(EntryType.NOTE))
        db.session.rollback()
        assert entry_count(case_id) == before
        assert db.session.get(Case, case_id).status == "received"
        assert audit_count("chronology.entry_added") == 0


def test_a_suspension_without_the_alternatives_rejected_is_refused_and_nothing_is_written(app: Flask) -> None:
    """Suspension is never automatic: each alternative must say why it was rejected."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    values = {
        "decision": "suspended",
        "agreed_with_lado": "yes",
        "named_contact": "",
        **{f"alternative_{alternative.value}": "" for alternative in SuspensionAlternative},
    }
    with app.test_request_context():
        before = entry_count(case_id)
        with pytest.raises(EntryProblemsError) as refused:
            record(head, case_id, entry(EntryType.SUSPENSION, values))
        db.session.rollback()
        assert set(refused.value.problems) == {
            "alternative_redeploy",
            "alternative_assistant_present",
            "alternative_no_unsupervised_access",
            "alternative_move_the_child",
            "alternative_temporary_redeployment",
            "named_contact",
        }
        case = db.session.get(Case, case_id)
        assert entry_count(case_id) == before
        assert case.status == "received"
        assert not case_running.state_of(case).is_suspended
        assert audit_count("chronology.entry_added") == 0


def test_a_suspension_that_leaves_out_the_alternatives_altogether_is_refused(app: Flask) -> None:
    """KCSIE: a suspension must record every alternative considered and why it was rejected."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    values = {"decision": "suspended", "agreed_with_lado": "yes", "named_contact": "Nia Contact"}
    with app.test_request_context():
        before = entry_count(case_id)
        with pytest.raises(EntryProblemsError):
            record(head, case_id, entry(EntryType.SUSPENSION, values))
        db.session.rollback()
        assert entry_count(case_id) == before


def test_an_entry_dated_in_the_future_is_refused(app: Flask) -> None:
    """The chronology records what has happened, so a future date must be a mistake."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        before = entry_count(case_id)
        with pytest.raises(EntryProblemsError) as refused:
            record(head, case_id, entry(EntryType.NOTE, when=utcnow() + dt.timedelta(days=1)))
        db.session.rollback()
        assert "occurred_on" in refused.value.problems
        assert entry_count(case_id) == before


def test_a_system_entry_cannot_be_recorded_by_hand(app: Flask) -> None:
    """Closure and routing entries come only from their own guarded steps."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        for system in (EntryType.CLOSURE, EntryType.ROUTING, EntryType.PATTERN_DETECTED):
            with pytest.raises(CaseRunningError):
                record(head, case_id, entry(system))
            db.session.rollback()
        assert db.session.get(Case, case_id).status == "received"


# --- Corrections -------------------------------------------------------------------------------


def test_a_correction_supersedes_and_keeps_the_original(app: Flask) -> None:
    """Chronology entries are never edited or deleted; a correction supersedes with a reason."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        original = record(head, case_id, entry(EntryType.LADO_CONSULTATION, LADO_CONSULTATION))
        original_id = original.id
        fixed = record(
            head,
            case_id,
            entry(EntryType.LADO_CONSULTATION, LADO_CONSULTATION | {"lado_reference": "LADO-4472"}),
            supersedes=original_id,
            reason="The LADO reference was mistyped",
        )
        chronology = case_store.chronology(db.session.get(Case, case_id))
        by_id = {e.id: e for e in chronology}
        assert by_id[original_id].body["fields"]["lado_reference"] == "LADO-4471"  # still there, unchanged
        assert by_id[fixed.id].supersedes_id == original_id
        assert by_id[fixed.id].body["correction_reason"] == "The LADO reference was mistyped"
        state = case_running.state_of(db.session.get(Case, case_id))
        assert state.lado_reference == "LADO-4472"
        assert audit_count("chronology.entry_corrected") == 1


def test_an_entry_already_corrected_cannot_be_corrected_again(app: Flask) -> None:
    """Only the current version may be corrected, so the chain of corrections stays linear."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        original = record(head, case_id, entry(EntryType.NOTE, text="Fictional first version."))
        original_id = original.id
        record(head, case_id, entry(EntryType.NOTE, text="Fictional second."), supersedes=original_id, reason="Typo")
        before = entry_count(case_id)
        with pytest.raises(CaseRunningError):
            record(
                head, case_id, entry(EntryType.NOTE, text="Fictional third."), supersedes=original_id, reason="Again"
            )
        db.session.rollback()
        assert entry_count(case_id) == before


def test_a_correction_needs_a_reason(app: Flask) -> None:
    """A correction without a reason would make the record's history unexplained."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        original = record(head, case_id, entry(EntryType.NOTE))
        original_id = original.id
        before = entry_count(case_id)
        with pytest.raises(EntryProblemsError) as refused:
            record(head, case_id, entry(EntryType.NOTE, text="Fictional."), supersedes=original_id, reason="  ")
        db.session.rollback()
        assert "reason" in refused.value.problems
        assert entry_count(case_id) == before


def test_a_correction_must_be_of_the_same_kind_of_entry(app: Flask) -> None:
    """A correction replaces one entry's content; it cannot turn a note into a LADO consultation."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        note = record(head, case_id, entry(EntryType.NOTE))
        note_id = note.id
        with pytest.raises(CaseRunningError):
            record(head, case_id, entry(EntryType.LADO_CONSULTATION, LADO_CONSULTATION), supersedes=note_id, reason="x")
        db.session.rollback()
        assert case_running.state_of(db.session.get(Case, case_id)).lado_consulted is None


# --- Attachments -------------------------------------------------------------------------------


def test_a_file_attached_to_an_entry_is_stored_with_it(app: Flask) -> None:
    """Evidence must stay with the entry it supports and come back byte for byte."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        saved = record(head, case_id, entry(EntryType.STATEMENTS, files=(("statement.pdf", PDF),)))
        (stored,) = db.session.scalars(select(Attachment).where(Attachment.case_id == case_id)).all()
        assert stored.entry_id == saved.id
        assert stored.file_metadata["content_type"] == "application/pdf"
        assert attachments.read(people["head"].id, stored).data == PDF
        view = case_running.running_view(
            head, db.session.get(Case, case_id), case_store.chronology(db.session.get(Case, case_id))
        )
        assert [a.id for a in view.attachments_by_entry[saved.id]] == [stored.id]


# --- Reclassification --------------------------------------------------------------------------


def test_a_low_level_concern_reclassified_as_an_allegation_starts_the_lado_clock_and_goes_to_the_head(
    app: Flask,
) -> None:
    """The LADO clock starts at reclassification, and an allegation is the headteacher's (R1)."""
    people = school(app)
    set_low_level_route(app, "dsl")
    case_id = file_concern(app, people, received_at=utcnow() - dt.timedelta(days=20))
    dsl = actor_of(app, people["dsl"])
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        assert case.case_manager_office == "dsl"
        assert case.lado_due_at is None
        app.extensions["outbox"] = []
        moved = case_running.reclassify(
            dsl, case, "allegation", "Fictional: the behaviour described meets the threshold."
        )
        assert moved
        case = db.session.get(Case, case_id)
        assert case.kind == "allegation"
        assert case.case_manager_office == "headteacher"
        started = dt.datetime.fromisoformat(case.details["lado_clock_started_at"])
        assert utcnow() - started < dt.timedelta(minutes=1)
        # The clock runs from now, not from the receipt 20 days ago: the deadline is still ahead.
        assert case.lado_due_at is not None and case.lado_due_at > utcnow()
        assert case.lado_due_at == calendar.lado_due(case)
        last_two = [e.body for e in case_store.chronology(case)][-2:]
        assert last_two[0]["type"] == "reclassification"
        assert last_two[0]["fields"]["rationale"] == "Fictional: the behaviour described meets the threshold."
        assert last_two[1]["type"] == "rerouting"
        with pytest.raises(CaseNotFoundError):
            record(dsl, case_id, entry(EntryType.NOTE))
        db.session.rollback()
    assert {m["To"] for m in app.extensions["outbox"]} == {people["head"].email}
    for message in app.extensions["outbox"]:
        assert CONCERN_TEXT not in message.get_content()


def test_a_concern_about_the_head_stays_with_the_chair_when_it_becomes_an_allegation(app: Flask) -> None:
    """R3: a concern or allegation about the headteacher is the chair's, and the head never sees it."""
    people = school(app)
    set_low_level_route(app, "dsl")
    case_id = file_concern(app, people, subject="head")
    chair = actor_of(app, people["chair"])
    head = actor_of(app, people["head"])
    dsl = actor_of(app, people["dsl"])
    with app.test_request_context():
        # Even under the DSL policy, KCSIE passes a concern about the head to the chair at once.
        assert db.session.get(Case, case_id).case_manager_office == "chair"
        moved = case_running.reclassify(chair, db.session.get(Case, case_id), "allegation", "Fictional rationale.")
        assert not moved
        case = db.session.get(Case, case_id)
        assert case.kind == "allegation"
        assert case.case_manager_office == "chair"
        assert case.lado_due_at is not None
        for sealed_out in (head, dsl):
            with pytest.raises(CaseNotFoundError):
                case_for(sealed_out, case_id)
        assert case_for(chair, case_id).id == case_id
        with pytest.raises(CaseNotFoundError):
            case_running.reclassify(head, db.session.get(Case, case_id), "low_level_concern", "Fictional.")
        db.session.rollback()


def test_an_allegation_becomes_a_low_level_concern_only_on_the_lado_decision(app: Flask) -> None:
    """KCSIE: only the LADO's advice can take an allegation out of Part four."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        with pytest.raises(CaseRunningError):
            case_running.reclassify(head, db.session.get(Case, case_id), "low_level_concern", "Fictional rationale.")
        db.session.rollback()
        case = db.session.get(Case, case_id)
        assert case.kind == "allegation"
        assert "reclassification" not in types_on(case)
        record(head, case_id, entry(EntryType.LADO_CONSULTATION, LADO_CONSULTATION))
        record(head, case_id, entry(EntryType.LADO_DECISION, {"decision": "low_level_concern_or_conduct"}))
        case_running.reclassify(head, db.session.get(Case, case_id), "low_level_concern", "On the LADO's advice.")
        assert db.session.get(Case, case_id).kind == "low_level_concern"


def test_a_reclassification_needs_a_rationale(app: Flask) -> None:
    """The case manager's reason for changing the kind must be on the record."""
    people = school(app)
    case_id = file_concern(app, people)
    dsl = actor_of(app, people["dsl"])
    with app.test_request_context():
        with pytest.raises(EntryProblemsError):
            case_running.reclassify(dsl, db.session.get(Case, case_id), "allegation", "   ")
        db.session.rollback()
        assert db.session.get(Case, case_id).kind == "low_level_concern"


def test_an_anonymous_whistleblower_stays_anonymous_when_the_report_becomes_an_allegation(app: Flask) -> None:
    """The discloser keeps their protection when whistleblowing becomes a Part four allegation."""
    people = school(app)
    with app.test_request_context():
        receipt = reporting.submit(
            None,
            reporting.Submission(
                kind=ReportKind.WHISTLEBLOWING,
                answers={"what_happened": "Fictional: a teacher hits pupils in the changing room."},
                subject_person_id=people["subject"].person_id,
                is_anonymous=True,
            ),
        )
    head = actor_of(app, people["head"])
    with app.test_request_context():
        moved = case_running.reclassify(head, db.session.get(Case, receipt.case_id), "allegation", "Harm to a child.")
        assert not moved
        case = db.session.get(Case, receipt.case_id)
        assert case.kind == "allegation"
        assert case.lado_due_at is not None
        report = db.session.scalars(select(Report).where(Report.case_id == receipt.case_id)).one()
        assert report.is_anonymous and report.reporter is None and report.reporter_index is None
        view = case_management.open_case(head, receipt.case_id)
        assert view.reporter_names == {}


def test_a_named_whistleblower_stays_hidden_from_collaborators_after_reclassification(app: Flask) -> None:
    """DOMAIN.md 2: a whistleblowing report that becomes an allegation keeps the discloser's protection."""
    people = school(app)
    with app.test_request_context():
        receipt = reporting.submit(
            actor_of(app, people["reporter"]),
            reporting.Submission(
                kind=ReportKind.WHISTLEBLOWING,
                answers={"what_happened": "Fictional: a teacher hits pupils in the changing room."},
                subject_person_id=people["subject"].person_id,
            ),
        )
    head = actor_of(app, people["head"])
    with app.test_request_context():
        case_running.reclassify(head, db.session.get(Case, receipt.case_id), "allegation", "Harm to a child.")
        case_management.add_collaborator(head, db.session.get(Case, receipt.case_id), people["collaborator"].id)
        assert case_management.open_case(head, receipt.case_id).reporter_names  # the case manager knows
        helper = case_management.open_case(actor_of(app, people["collaborator"]), receipt.case_id)
        assert "Rae Reporter" not in helper.reporter_names.values()


# --- Closure -----------------------------------------------------------------------------------


def test_closing_with_decisions_missing_is_refused_with_each_one_listed(app: Flask) -> None:
    """An allegation may not close before the LADO, the outcome and the learning review are recorded."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        with pytest.raises(ClosureBlockedError) as refused:
            case_running.close(head, db.session.get(Case, case_id), "Fictional closing summary.")
        db.session.rollback()
        assert {
            "Record the LADO consultation",
            "Record the outcome",
            "Record the learning-lessons review",
        } <= set(refused.value.blockers)
        case = db.session.get(Case, case_id)
        assert case.status != "closed" and case.closed_at is None
        assert "closure" not in types_on(case)
        assert refused.value.blockers == case_running.closure_blockers(case)


def test_a_complete_allegation_closes_and_nothing_more_can_be_recorded(app: Flask) -> None:
    """Once closed, the record is final: no entry, reclassification or second closure."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        complete_allegation(head, case_id)
        assert case_running.closure_blockers(db.session.get(Case, case_id)) == []
        case_running.close(head, db.session.get(Case, case_id), "Fictional: unsubstantiated; lessons noted.")
        case = db.session.get(Case, case_id)
        assert case.status == "closed"
        assert case.closed_at is not None and utcnow() - case.closed_at < dt.timedelta(minutes=1)
        last = case_store.chronology(case)[-1]
        assert last.body["type"] == "closure" and last.body["text"] == "Fictional: unsubstantiated; lessons noted."
        assert case.lado_due_at is None and case.next_due_at is None
        before = entry_count(case_id)
        with pytest.raises(CaseRunningError):
            record(head, case_id, entry(EntryType.NOTE))
        db.session.rollback()
        with pytest.raises(CaseRunningError):
            case_running.reclassify(head, db.session.get(Case, case_id), "low_level_concern", "Fictional.")
        db.session.rollback()
        with pytest.raises(CaseRunningError):
            case_running.close(head, db.session.get(Case, case_id), "Again.")
        db.session.rollback()
        assert entry_count(case_id) == before


def test_a_closing_summary_is_required(app: Flask) -> None:
    """The last entry on the chronology must say what was decided and done."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        complete_allegation(head, case_id)
        with pytest.raises(EntryProblemsError):
            case_running.close(head, db.session.get(Case, case_id), " ")
        db.session.rollback()
        assert db.session.get(Case, case_id).status == "open"


# --- The dashboard's projections ---------------------------------------------------------------


def test_a_new_potential_allegation_has_a_lado_deadline_until_the_lado_is_consulted(app: Flask) -> None:
    """The dashboard must show the LADO clock running, and stop it once the LADO is consulted."""
    people = school(app)
    case_id = file_case(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        assert case.lado_due_at is not None
        assert case.lado_due_at == calendar.lado_due(case)
        assert case.next_due_at == case.lado_due_at
        late = case.lado_due_at + dt.timedelta(hours=1)
        assert dashboard.dashboard(head, late).lado_overdue == 1
        record(head, case_id, entry(EntryType.LADO_CONSULTATION, LADO_CONSULTATION))
        case = db.session.get(Case, case_id)
        assert case.lado_due_at is None
        assert case.next_due_at is None
        assert dashboard.dashboard(head, late).lado_overdue == 0


def test_the_next_due_date_follows_the_open_actions(app: Flask) -> None:
    """The case manager is reminded of the earliest action still to do, and only while it is open."""
    people = school(app)
    case_id = file_concern(app, people)
    dsl = actor_of(app, people["dsl"])
    soon = london_today() + dt.timedelta(days=5)
    later = london_today() + dt.timedelta(days=20)
    with app.test_request_context():
        assert db.session.get(Case, case_id).next_due_at is None
        record(
            dsl,
            case_id,
            entry(EntryType.ACTION, {"action": "Fictional: refresher training", "due_on": later.isoformat()}),
        )
        assert db.session.get(Case, case_id).next_due_at == end_of_day(later)
        first = record(
            dsl, case_id, entry(EntryType.ACTION, {"action": "Fictional: a conversation", "due_on": soon.isoformat()})
        )
        first_id = first.id
        assert db.session.get(Case, case_id).next_due_at == end_of_day(soon)
        record(dsl, case_id, entry(EntryType.ACTION_DONE, {"action_id": str(first_id)}))
        assert db.session.get(Case, case_id).next_due_at == end_of_day(later)
        board = dashboard.dashboard(dsl, utcnow())
        assert board.due_soon == 0  # 20 days away is not within the next 7


def test_a_classification_saying_the_harm_threshold_is_met_makes_a_concern_a_potential_allegation(app: Flask) -> None:
    """Judged by the behaviour, not the label: a 'yes' starts the LADO clock and blocks closure as a concern."""
    people = school(app)
    case_id = file_concern(app, people)
    dsl = actor_of(app, people["dsl"])
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        assert not case.potential_allegation and case.lado_due_at is None
        record(dsl, case_id, entry(EntryType.CLASSIFICATION, CLASSIFICATION_NO | {"harm_threshold": "yes"}))
        case = db.session.get(Case, case_id)
        assert case.potential_allegation
        assert "lado_clock_started_at" in case.details
        assert case.lado_due_at is not None and case.lado_due_at == calendar.lado_due(case)
        assert case.lado_due_at > utcnow()
        assert (
            "Your classification says the harm threshold may be met: reclassify the case as an allegation"
            in case_running.closure_blockers(case)
        )


def test_a_concern_classified_below_the_threshold_has_no_lado_clock(app: Flask) -> None:
    """A low-level concern the case manager judges below the threshold is not timed as an allegation."""
    people = school(app)
    case_id = file_concern(app, people)
    dsl = actor_of(app, people["dsl"])
    with app.test_request_context():
        record(dsl, case_id, entry(EntryType.CLASSIFICATION, CLASSIFICATION_NO))
        case = db.session.get(Case, case_id)
        assert not case.potential_allegation
        assert case.lado_due_at is None
