"""Retention in the services: review dates kept on the case, the daily run, legal holds, destruction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError

from casetracker import audit, crypto
from casetracker.clock import utcnow
from casetracker.dates import LONDON
from casetracker.domain import retention as rules
from casetracker.domain.entries import EntryType
from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer
from casetracker.extensions import db
from casetracker.keystore import data_key_for
from casetracker.models import (
    Attachment,
    AuditEvent,
    Case,
    CaseCollaborator,
    CaseDestruction,
    CaseKey,
    CasePerson,
    CaseTombstone,
    ChronologyEntry,
    LegalHold,
    Message,
    Person,
    Report,
    User,
)
from casetracker.services import case_management, case_running, case_store, reporting, retention
from casetracker.services.case_access import CaseNotFoundError, case_for
from tests.services.test_case_running import (
    CONCERN_TEXT,
    LADO_CONSULTATION,
    PDF,
    complete_allegation,
    entry,
    file_concern,
    record,
)
from tests.services.test_reporting import actor_of
from tests.web.test_case_pages import SECRET_TEXT, school

MALICIOUS = {
    "outcome": "malicious",
    "removed_from_regulated_activity": "no",
    "personnel_record": "remove",
    "in_references": "no",
    "social_care_considered": "yes",
}
MESSAGE_TEXT = "Fictional question for the reporter WLX"
CLOSING_TEXT = "Fictional closing summary: the allegation was shown to be malicious."


# --- Helpers (the web tests reuse them) -------------------------------------------------------


@pytest.fixture(autouse=True)
def forget_destructions(app: Flask) -> Iterator[None]:
    """conftest's emptying lists every case in case_destruction; one destroyed here is listed already."""
    yield
    with app.app_context():
        db.session.rollback()
        db.session.execute(delete(CaseDestruction))
        db.session.commit()


def today_in_london() -> dt.date:
    return utcnow().astimezone(LONDON).date()


def set_subject(app: Flask, user: User, **values: dt.date | None) -> None:
    """Change the subject's directory entry (date of birth, leave date) the way an import would."""
    with app.app_context():
        person = db.session.get(Person, user.person_id)
        for name, value in values.items():
            setattr(person, name, value)
        db.session.commit()


def file_allegation(app: Flask, people: dict[str, User], *, received_at: dt.datetime | None = None) -> uuid.UUID:
    """An allegation about Sid Subject, raised by Rae Reporter; the headteacher manages it."""
    with app.test_request_context():
        receipt = reporting.submit(
            actor_of(app, people["reporter"]),
            reporting.Submission(
                kind=ReportKind.ALLEGATION,
                answers={"what_happened": SECRET_TEXT},
                threshold_answers=dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.YES),
                subject_person_id=people["subject"].person_id,
                implicated_person_ids=(people["implicated"].person_id,),
                received_at=received_at,
            ),
        )
        return receipt.case_id


def due_allegation(app: Flask, people: dict[str, User], *, close: bool = True) -> uuid.UUID:
    """A year-old allegation found malicious (so due for review at once), with a file, a message,
    a collaborator, and closed."""
    case_id = file_allegation(app, people, received_at=utcnow() - dt.timedelta(days=400))
    head = actor_of(app, people["head"])
    with app.test_request_context():
        record(head, case_id, entry(EntryType.LADO_CONSULTATION, LADO_CONSULTATION, files=(("notes.pdf", PDF),)))
        record(head, case_id, entry(EntryType.LADO_DECISION, {"decision": "internal_investigation"}))
        record(head, case_id, entry(EntryType.OUTCOME, MALICIOUS))
        record(head, case_id, entry(EntryType.LEARNING_REVIEW, {"with_lado": "yes", "findings": "Fictional."}))
        case = db.session.get(Case, case_id)
        case_management.send_message(head, case, MESSAGE_TEXT)
        case_management.add_collaborator(head, db.session.get(Case, case_id), people["collaborator"].id)
        if close:
            case_running.close(head, db.session.get(Case, case_id), CLOSING_TEXT)
    return case_id


def retention_of(case_id: uuid.UUID) -> rules.Retention:
    case = db.session.get(Case, case_id)
    return retention.retention_for(case, case_running.state_of(case))


def count(model: type, case_id: uuid.UUID) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(model.case_id == case_id)) or 0


def audit_events(action: str, case_id: uuid.UUID | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action)
    if case_id is not None:
        query = query.where(AuditEvent.case_id == case_id)
    return list(db.session.scalars(query))


def email_texts(app: Flask) -> list[tuple[str, str]]:
    return [(m["To"], m["Subject"] + "\n" + m.get_content()) for m in app.extensions["outbox"]]


# --- The review date, stored and recomputed ---------------------------------------------------


def test_an_allegation_is_kept_until_the_later_of_pension_age_and_ten_years_and_the_date_is_stored(
    app: Flask,
) -> None:
    """The daily run and the case manager's list read the stored column, so it must match the rule."""
    people = school(app)
    set_subject(app, people["subject"], date_of_birth=dt.date(1990, 5, 17))
    case_id = file_allegation(app, people)
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        opened = case.opened_at.astimezone(LONDON).date()
        expected = max(rules.state_pension_age_date(dt.date(1990, 5, 17)), rules.add_years(opened, 10))
        assert expected == dt.date(2058, 5, 17)  # pension age (68) is later than ten years
        assert case.retention_review_on == expected
        result = retention_of(case_id)
        assert result.review_on == expected and result.missing is None
        assert "the later of normal pension age" in result.reason
        assert not case.retention_due


def test_ten_years_from_the_allegation_wins_when_pension_age_comes_first(app: Flask) -> None:
    """KCSIE keeps an allegation whichever period is longer; an older subject must not shorten it."""
    people = school(app)
    set_subject(app, people["subject"], date_of_birth=dt.date(1958, 3, 1))  # 66 in March 2024
    case_id = file_allegation(app, people)
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        opened = case.opened_at.astimezone(LONDON).date()
        assert case.retention_review_on == rules.add_years(opened, 10)


def test_recording_a_malicious_outcome_moves_the_review_date_to_the_outcome_date(app: Flask) -> None:
    """A malicious allegation must be removed when the outcome is recorded, not kept for decades."""
    people = school(app)
    set_subject(app, people["subject"], date_of_birth=dt.date(1990, 5, 17))
    case_id = file_allegation(app, people, received_at=utcnow() - dt.timedelta(days=60))
    head = actor_of(app, people["head"])
    outcome_at = utcnow() - dt.timedelta(days=2)
    with app.test_request_context():
        assert db.session.get(Case, case_id).retention_review_on == dt.date(2058, 5, 17)
        record(head, case_id, entry(EntryType.LADO_CONSULTATION, LADO_CONSULTATION))
        record(head, case_id, entry(EntryType.OUTCOME, MALICIOUS, when=outcome_at))
        case = db.session.get(Case, case_id)
        assert case.retention_review_on == outcome_at.astimezone(LONDON).date()
        result = retention_of(case_id)
        assert "malicious allegation is removed" in result.reason
        assert rules.is_due(result, today_in_london())
        assert retention.destruction_problem(case, case_running.state_of(case)) is None


def test_an_unsubstantiated_outcome_keeps_the_pension_age_date(app: Flask) -> None:
    """Only malicious (or, by setting, false) outcomes bring removal forward; others keep the long date."""
    people = school(app)
    set_subject(app, people["subject"], date_of_birth=dt.date(1990, 5, 17))
    case_id = file_allegation(app, people)
    with app.test_request_context():
        complete_allegation(actor_of(app, people["head"]), case_id)
        assert db.session.get(Case, case_id).retention_review_on == dt.date(2058, 5, 17)


def test_without_a_date_of_birth_the_case_asks_for_one_and_a_pension_date_entry_gives_the_date(app: Flask) -> None:
    """Without pension age the rule cannot be applied: the case manager must be prompted, then the date kept."""
    people = school(app)
    case_id = file_allegation(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        result = retention_of(case_id)
        assert result.review_on is None
        assert result.missing == rules.MISSING_PENSION_AGE
        assert "not known yet" in result.reason
        assert db.session.get(Case, case_id).retention_review_on is None
        record(head, case_id, entry(EntryType.PENSION_DATE, {"pension_on": "2061-09-30"}))
        result = retention_of(case_id)
        assert result.missing is None
        assert result.review_on == dt.date(2061, 9, 30)
        assert "entered by the case manager" in result.reason
        assert db.session.get(Case, case_id).retention_review_on == dt.date(2061, 9, 30)


def test_a_low_level_concern_gets_its_date_from_the_leave_date_at_the_next_run(app: Flask) -> None:
    """A leave date changes in the directory, not on the case: the daily run must pick it up."""
    people = school(app)
    case_id = file_concern(app, people, received_at=utcnow() - dt.timedelta(days=3000))
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        assert case.retention_review_on is None
        assert "while the person works here" in retention_of(case_id).reason
    set_subject(app, people["subject"], leave_date=dt.date(2015, 7, 31))
    with app.test_request_context():
        assert db.session.get(Case, case_id).retention_review_on is None  # not until the run
        due = retention.run(dry_run=False)
        case = db.session.get(Case, case_id)
        assert [item.case.id for item in due] == [case_id]
        assert case.retention_review_on == dt.date(2021, 7, 31)  # six years (the school's setting)
        assert case.retention_due


# --- The daily run -----------------------------------------------------------------------------


def test_a_dry_run_lists_due_cases_and_changes_nothing(app: Flask) -> None:
    """`--dry-run` is for checking what the run would do: it must not flag cases or email anyone."""
    people = school(app)
    due_id = due_allegation(app, people)
    set_subject(app, people["implicated"], date_of_birth=dt.date(1990, 1, 1))
    not_due_id = file_allegation(app, people | {"subject": people["implicated"]})
    with app.app_context():
        events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    app.extensions["outbox"] = []
    with app.test_request_context():
        due = retention.run(dry_run=True)
        assert [item.case.id for item in due] == [due_id]
        assert not_due_id not in {item.case.id for item in due}
    with app.app_context():
        assert db.session.get(Case, due_id).retention_due is False
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before
        assert audit_events("retention.run") == []
    assert app.extensions["outbox"] == []


def test_the_run_flags_due_cases_and_emails_the_case_manager_only_a_count(app: Flask) -> None:
    """An email can be read by anyone with the mailbox: it must not name the case, the people or what happened."""
    people = school(app)
    due_id = due_allegation(app, people)
    concern_id = file_concern(app, people, subject="stranger", received_at=utcnow() - dt.timedelta(days=3000))
    set_subject(app, people["stranger"], leave_date=dt.date(2012, 1, 31))
    app.extensions["outbox"] = []
    with app.test_request_context():
        due = retention.run(dry_run=False)
        assert {item.case.id for item in due} == {due_id, concern_id}
        allegation = db.session.get(Case, due_id)
        concern = db.session.get(Case, concern_id)
        assert allegation.retention_due and concern.retention_due
        references = [allegation.reference, concern.reference]
        offices = {allegation.case_manager_office, concern.case_manager_office}
        assert [e.details for e in audit_events("retention.run")] == [{"due": 2}]
    assert offices == {"headteacher", "dsl"}
    sent = email_texts(app)
    assert {to for to, _ in sent} == {people["head"].email, people["dsl"].email}
    for _to, body in sent:
        assert "1 of the cases you manage is due for a retention review" in body
        for leak in (
            *references,
            SECRET_TEXT,
            CONCERN_TEXT,
            MESSAGE_TEXT,
            "Sid",
            "Subject",
            "Sten",
            "Stranger",
            "Rae",
            "malicious",
            "allegation",
            "low-level",
        ):
            assert leak not in body, (leak, body)
    # The next day's run finds nothing new to tell anyone.
    app.extensions["outbox"] = []
    with app.test_request_context():
        assert len(retention.run(dry_run=False)) == 2
    assert app.extensions["outbox"] == []


# --- Legal holds -------------------------------------------------------------------------------


def test_only_the_data_protection_officer_may_set_a_legal_hold(app: Flask) -> None:
    """A hold overrides the case manager's destruction decision, so it is the officer's alone."""
    people = school(app)
    case_id = due_allegation(app, people)
    with app.test_request_context():
        reference = db.session.get(Case, case_id).reference
        for who in ("head", "dsl", "admin", "chair", "stranger"):
            with pytest.raises(PermissionError):
                retention.set_hold(actor_of(app, people[who]), reference, "Fictional inquiry")
            db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(LegalHold)) == 0
        assert db.session.get(Case, case_id).legal_hold is False
        assert audit_events("legal_hold.set") == []


def test_a_held_case_is_never_due_and_cannot_be_destroyed_until_the_hold_is_lifted(app: Flask) -> None:
    """DOMAIN.md 7: a legal hold (an inquiry) stops all destruction, whatever the retention date says."""
    people = school(app)
    case_id = due_allegation(app, people)
    dpo = actor_of(app, people["dpo"])
    head = actor_of(app, people["head"])
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        hold = retention.set_hold(dpo, case.reference.lower(), "  Fictional public inquiry into the trust  ")
        hold_id = hold.id
        case = db.session.get(Case, case_id)
        assert case.legal_hold and not case.retention_due
        assert hold.reason == "Fictional public inquiry into the trust"
        assert hold.set_by_id == people["dpo"].id and hold.lifted_at is None
        [event] = audit_events("legal_hold.set", case_id)
        assert event.actor_user_id == people["dpo"].id and event.object_id == str(case_id)
        result = retention_of(case_id)
        assert result.held and result.reason.startswith(rules.HOLD_REASON)
        assert retention.run(dry_run=True) == []
        assert retention.run(dry_run=False) == []
        assert db.session.get(Case, case_id).retention_due is False
        with pytest.raises(retention.RetentionError, match="legal hold"):
            retention.destroy(head, db.session.get(Case, case_id), "Fictional: retention period over")
        db.session.rollback()
        case = db.session.get(Case, case_id)
        assert case.destroyed_at is None and case_store.is_readable(case)
        assert db.session.scalars(select(CaseKey).where(CaseKey.case_id == case_id)).one().wrapped is not None
        assert db.session.get(CaseTombstone, case_id) is None
        with pytest.raises(retention.RetentionError, match="already under legal hold"):
            retention.set_hold(dpo, case.reference, "Another fictional claim")
        db.session.rollback()

        with pytest.raises(PermissionError):
            retention.lift_hold(head, hold_id)
        db.session.rollback()
        retention.lift_hold(dpo, hold_id)
        hold = db.session.get(LegalHold, hold_id)
        assert hold.lifted_at is not None and hold.lifted_by_id == people["dpo"].id  # the row is kept
        [lifted] = audit_events("legal_hold.lifted", case_id)
        assert lifted.actor_user_id == people["dpo"].id
        assert db.session.get(Case, case_id).legal_hold is False
        with pytest.raises(retention.RetentionError, match="already been lifted"):
            retention.lift_hold(dpo, hold_id)
        db.session.rollback()
        assert [item.case.id for item in retention.run(dry_run=True)] == [case_id]
        retention.destroy(head, db.session.get(Case, case_id), "Fictional: retention period over")
        assert db.session.get(CaseTombstone, case_id) is not None


def test_a_hold_needs_a_reason_and_a_live_case(app: Flask) -> None:
    """A hold with no stated reason could never be reviewed, and a wrong reference must not hold anything."""
    people = school(app)
    case_id = due_allegation(app, people)
    dpo = actor_of(app, people["dpo"])
    with app.test_request_context():
        reference = db.session.get(Case, case_id).reference
        with pytest.raises(retention.RetentionError, match="Enter why"):
            retention.set_hold(dpo, reference, "   ")
        db.session.rollback()
        with pytest.raises(retention.RetentionError, match="no case with that reference"):
            retention.set_hold(dpo, "CT-NONE-0000", "Fictional inquiry")
        db.session.rollback()
        retention.destroy(actor_of(app, people["head"]), db.session.get(Case, case_id), "Fictional: over")
        with pytest.raises(retention.RetentionError, match="no case with that reference"):
            retention.set_hold(dpo, reference, "Fictional inquiry")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(LegalHold)) == 0


# --- Destruction -------------------------------------------------------------------------------


def test_a_case_that_is_not_due_cannot_be_destroyed(app: Flask) -> None:
    """Destroying a record before its retention period ends would breach the guidance."""
    people = school(app)
    set_subject(app, people["subject"], date_of_birth=dt.date(1990, 5, 17))
    case_id = file_allegation(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        with pytest.raises(retention.RetentionError, match="not yet due"):
            retention.destroy(head, db.session.get(Case, case_id), "Fictional: trying too early")
        db.session.rollback()
        case = db.session.get(Case, case_id)
        assert case.destroyed_at is None and case_store.is_readable(case)
        assert count(ChronologyEntry, case_id) > 0
        assert db.session.get(CaseTombstone, case_id) is None
        assert audit_events("case.destroyed") == []


def test_a_destruction_needs_a_reason(app: Flask) -> None:
    """The tombstone must say why the record went; an empty reason would leave that blank."""
    people = school(app)
    case_id = due_allegation(app, people)
    with app.test_request_context():
        with pytest.raises(retention.RetentionError, match="Enter why"):
            retention.destroy(actor_of(app, people["head"]), db.session.get(Case, case_id), "  ")
        db.session.rollback()
        assert case_store.is_readable(db.session.get(Case, case_id))


@pytest.mark.parametrize("who", ["dsl", "collaborator", "dpo", "admin", "chair", "reporter", "subject", "stranger"])
def test_only_the_case_manager_may_destroy_a_case(app: Flask, who: str) -> None:
    """Anyone else is answered as if the case did not exist, and nothing is destroyed."""
    people = school(app)
    case_id = due_allegation(app, people)
    with app.test_request_context():
        with pytest.raises(CaseNotFoundError):
            retention.destroy(actor_of(app, people[who]), db.session.get(Case, case_id), "Fictional: not mine")
        db.session.rollback()
        case = db.session.get(Case, case_id)
        assert case.destroyed_at is None and case_store.is_readable(case)
        assert db.session.get(CaseTombstone, case_id) is None
        assert db.session.get(CaseDestruction, case_id) is None


def test_destroying_a_due_case_shreds_its_key_removes_its_content_and_leaves_a_tombstone(app: Flask) -> None:
    """The issue: after destruction the wrapped key is gone, every read fails as destroyed, a tombstone
    remains, and the audit trail keeps every event and still verifies."""
    people = school(app)
    case_id = due_allegation(app, people)
    head = actor_of(app, people["head"])
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        reference, kind, opened_at, closed_at = case.reference, case.kind, case.opened_at, case.closed_at
        assert closed_at is not None
        for model in (ChronologyEntry, Report, Message, CasePerson, Attachment, CaseCollaborator):
            assert count(model, case_id) > 0, model.__name__
        files = [
            Path(app.config["ATTACHMENT_DIR"]) / name
            for name in db.session.scalars(select(Attachment.storage_name).where(Attachment.case_id == case_id))
        ]
        assert files and all(path.exists() for path in files)
        earlier = set(db.session.scalars(select(AuditEvent.id).where(AuditEvent.case_id == case_id)))
        assert earlier
        uploaded = audit_events("attachment.uploaded", case_id)
        assert uploaded and uploaded[0].secret is not None  # readable while the case exists

        tombstone = retention.destroy(head, case, "  Fictional: retention period over and record reviewed  ")
        assert tombstone.case_id == case_id

    with app.test_request_context():
        key = db.session.scalars(select(CaseKey).where(CaseKey.case_id == case_id)).one()
        assert key.wrapped is None and key.kek_id is None and key.destroyed_at is not None
        for model in (ChronologyEntry, Report, Message, CasePerson, Attachment, CaseCollaborator):
            assert count(model, case_id) == 0, model.__name__
        assert not any(path.exists() for path in files)

        tombstone = db.session.get(CaseTombstone, case_id)
        assert tombstone is not None
        assert (tombstone.reference, tombstone.kind) == (reference, kind)
        assert (tombstone.opened_at, tombstone.closed_at) == (opened_at, closed_at)
        assert tombstone.destroyed_at is not None
        assert tombstone.authorised_by_id == people["head"].id
        assert tombstone.reason == "Fictional: retention period over and record reviewed"

        case = db.session.get(Case, case_id)
        assert case.status == "destroyed" and case.destroyed_at is not None
        assert not case.retention_due
        for read in (lambda: case.summary, lambda: case.details, lambda: data_key_for(case_id)):
            with pytest.raises(crypto.DestroyedError):
                read()
        with pytest.raises(CaseNotFoundError):
            case_for(head, case_id)

        later = set(db.session.scalars(select(AuditEvent.id).where(AuditEvent.case_id == case_id)))
        assert earlier < later
        new_actions = sorted(db.session.get(AuditEvent, event_id).action for event_id in later - earlier)
        assert new_actions == ["case.destroyed", "case.shredded"]
        for event in audit_events("case.destroyed", case_id) + audit_events("case.shredded", case_id):
            assert event.actor_user_id == people["head"].id
        with pytest.raises(crypto.DestroyedError):
            _ = audit_events("attachment.uploaded", case_id)[0].secret  # kept, but unreadable
        assert audit.verify().intact
        assert retention.run(dry_run=False) == []  # the daily run skips it rather than failing on it


def test_destroying_one_case_leaves_every_other_case_readable(app: Flask) -> None:
    """Crypto-shredding must touch only the destroyed case's key and rows."""
    people = school(app)
    doomed = due_allegation(app, people)
    kept = due_allegation(app, people)
    with app.test_request_context():
        before = {model: count(model, kept) for model in (ChronologyEntry, Report, Message, CasePerson, Attachment)}
        retention.destroy(actor_of(app, people["head"]), db.session.get(Case, doomed), "Fictional: over")
    with app.test_request_context():
        case = db.session.get(Case, kept)
        assert case_store.is_readable(case) and case.destroyed_at is None
        assert {model: count(model, kept) for model in before} == before
        assert case_store.chronology(case)[0].body["type"] == "report_received"


def test_the_chronology_guard_still_refuses_deletes_for_cases_not_being_destroyed(app: Flask) -> None:
    """Destruction opens the guard for one case only; every other chronology stays append-only."""
    people = school(app)
    doomed = due_allegation(app, people)
    kept = due_allegation(app, people)
    with app.test_request_context():
        retention.destroy(actor_of(app, people["head"]), db.session.get(Case, doomed), "Fictional: over")
    with app.test_request_context():
        entries = count(ChronologyEntry, kept)
        for statement in (
            delete(ChronologyEntry).where(ChronologyEntry.case_id == kept),
            update(ChronologyEntry).where(ChronologyEntry.case_id == kept).values(seq=ChronologyEntry.seq + 100),
            text("DELETE FROM chronology_entry"),
        ):
            with pytest.raises(DatabaseError, match="never changed"):
                db.session.execute(statement)
            db.session.rollback()
        assert count(ChronologyEntry, kept) == entries
        assert case_store.is_readable(db.session.get(Case, kept))


def test_a_low_level_concern_is_destroyable_once_the_leave_period_has_passed(app: Flask) -> None:
    """The low-level rule (leave date plus the school's period) must lead to destruction like any other."""
    people = school(app)
    case_id = file_concern(app, people, received_at=utcnow() - dt.timedelta(days=3000))
    set_subject(app, people["subject"], leave_date=dt.date(2015, 7, 31))
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        manager = next(
            user
            for user in (people["dsl"], people["head"])
            if case.case_manager_office in {o.value for o in actor_of(app, user).offices}
        )
        retention.run(dry_run=False)
        retention.destroy(actor_of(app, manager), db.session.get(Case, case_id), "Fictional: left long ago")
    with app.test_request_context():
        tombstone = db.session.get(CaseTombstone, case_id)
        assert tombstone is not None and tombstone.kind == ReportKind.LOW_LEVEL_CONCERN.value
        assert tombstone.closed_at is None
        with pytest.raises(crypto.DestroyedError):
            _ = db.session.get(Case, case_id).summary
