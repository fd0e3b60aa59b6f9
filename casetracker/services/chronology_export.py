"""Exporting a case's chronology as a PDF, for the LADO, HR, a tribunal or the police.

The export is a case action the one policy must allow (`can_export_case`); the view asks for a
recent sign-in. The document is built here as a plain data object — as the exporter may see the
case — and rendered by `pdf/chronology.py`. The file's SHA-256 goes into the audit trail.

A redacted export, for the subject's representative, leaves out the reporter's identity and the
children's names: the structured fields that hold them are dropped, and wherever those names
appear in free text they are replaced.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from casetracker import audit, crypto
from casetracker.clock import utcnow
from casetracker.dates import govuk_datetime
from casetracker.domain.entries import EntryType
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, can_export_case
from casetracker.domain.reports import ReportKind
from casetracker.extensions import db
from casetracker.models import Attachment, AuditEvent, Case, CasePerson, Person, Report, User
from casetracker.pdf.document import AccessRecord, ChronologyDocument, ExportAttachment, ExportEntry
from casetracker.services import case_running, case_store, entry_text, routing
from casetracker.services.case_access import CaseNotFoundError, relation_to
from casetracker.services.case_access import reporter_shown as may_see_reporter
from casetracker.services.school import current_school

ACCESS_ACTIONS = {
    "case.viewed": "Viewed the case",
    "case.exported": "Exported the chronology",
    "attachment.downloaded": "Downloaded an attachment",
    "chronology.viewed": "Viewed the chronology",
}
REPORT_FIELDS = {
    "what_happened": "What happened",
    "date": "Date",
    "time": "Time",
    "where": "Where",
    "children": "Children involved",
    "witnesses": "Witnesses",
    "action_taken": "Action already taken",
    "wrongdoing": "Kind of wrongdoing",
}
S141F_WARNING = (
    "Reporting restrictions may apply (Education Act 2002, section 141F): a teacher accused by a pupil of this "
    "school of a criminal offence must not be identified in any publication until charged."
)
CHILD = "[child]"
REPORTER = "[reporter]"


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes
    sha256: str


def _redactor(names: set[tuple[str, str]]) -> Callable[[str], str]:
    """Replace each name, then each word of it of 3 or more letters, wherever it appears in free text.

    Erring towards leaving out too much: a first name on its own ("Amelia said…") goes too.
    """
    patterns = []
    for name, replacement in sorted(names, key=lambda pair: -len(pair[0])):
        if name.strip():
            patterns.append((re.compile(re.escape(name.strip()), re.IGNORECASE), replacement))
    for name, replacement in names:
        for word in re.findall(r"\w{3,}", name):
            patterns.append((re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE), replacement))

    def redact(text: str) -> str:
        for pattern, replacement in patterns:
            text = pattern.sub(replacement, text)
        return text

    return redact


def build_document(actor: Actor, case: Case, *, redacted: bool) -> ChronologyDocument:
    entries = case_store.chronology(case)
    view = case_running.running_view(actor, case, entries)
    state, edition = view.state, view.edition
    reports = list(db.session.scalars(select(Report).where(Report.case_id == case.id).order_by(Report.submitted_at)))
    names: set[tuple[str, str]] = set()
    reporter_names: dict[uuid.UUID, str] = {}
    for report in reports:
        answers = report.answers or {}
        for child in answers.get("children") or []:
            names.add((str(child), CHILD))
        person_id = (report.reporter or {}).get("person_id")
        person = db.session.get(Person, uuid.UUID(person_id)) if person_id else None
        if person is not None:
            reporter_names[report.id] = person.full_name
            names.add((person.full_name, REPORTER))
    redact = _redactor(names) if redacted else (lambda text: text)
    reporter_shown = may_see_reporter(actor, case, relation_to(actor, case), redacted_copy=redacted)

    actions = {entry.id: str(entry.get("action") or "") for entry in state.all_of(EntryType.ACTION)}
    seq_of = {str(e.id): e.seq for e in entries}
    files: dict[uuid.UUID, list[ExportAttachment]] = {}
    for attachment in db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)):
        meta = attachment.file_metadata or {}
        if attachment.entry_id is not None:
            files.setdefault(attachment.entry_id, []).append(
                ExportAttachment(redact(str(meta.get("filename", ""))), str(meta.get("sha256", "")))
            )
    exported: list[ExportEntry] = []
    for entry in entries:
        body = entry.body or {}
        rows = [(label, redact(value)) for label, value in entry_text.entry_rows(body, edition, actions)]
        if body.get("type") == EntryType.REPORT_RECEIVED.value:
            rows += _report_rows(reports, reporter_names if reporter_shown else {}, case, redacted, redact)
        correction = state.corrected_by.get(str(entry.id))
        # Through the redactor too: a reporter may also write entries in another role.
        author = (
            redact(entry_text.author_name(body.get("author") or {}, reporter_shown=reporter_shown)) or "Casetracker"
        )
        exported.append(
            ExportEntry(
                seq=entry.seq,
                entry_type=entry_text.entry_label(str(body.get("type", ""))),
                occurred=govuk_datetime(entry.occurred_at),
                recorded=govuk_datetime(entry.recorded_at),
                author=author,
                rows=tuple(rows),
                text=redact(str(body.get("text") or "")),
                attachments=tuple(files.get(entry.id, [])),
                superseded_by=correction.seq if correction else None,
                corrects=seq_of.get(str(entry.supersedes_id)) if entry.supersedes_id else None,
                correction_reason=redact(str(body.get("correction_reason") or "")),
            )
        )
    lado = state.lado_consulted
    decision = state.latest(EntryType.LADO_DECISION)
    lado_rows = []
    if lado is not None:
        lado_rows += [
            ("Consulted", govuk_datetime(lado.occurred_at)),
            ("LADO", f"{lado.get('lado_name') or ''}, {lado.get('lado_authority') or ''}"),
        ]
    lado_rows += [
        ("LADO reference", state.lado_reference or "None recorded"),
        ("Decision", edition.lado_decisions.get(decision.get("decision"), "") if decision else "None recorded"),
        ("Police reference", state.police_reference or "None recorded"),
    ]
    flags = []
    if case.legal_hold:
        flags.append("Legal hold: nothing of this case may be destroyed")
    if state.is_suspended:
        flags.append("The subject is suspended")
    if state.pattern_review_pending:
        flags.append("Pattern review needed")
    details = case.details or {}
    now = utcnow()
    exporter = db.session.get(User, actor.user_id)
    return ChronologyDocument(
        reference=case.reference,
        kind=ReportKind(case.kind).label,
        classification=_classification(state),
        status=case.status.replace("_", " ").capitalize(),
        case_manager=_case_manager(case),
        routing_reason=str((details.get("routing") or {}).get("reason", "")),
        subject=_subject(case),
        lado=tuple(lado_rows),
        flags=tuple(flags),
        s141f_warning=S141F_WARNING if view.s141f else "",
        guidance_edition=edition.name,
        entries=tuple(exported),
        access_log=_access_log(case),
        exported_by=exporter.person.full_name if exporter else "",
        exported_at=govuk_datetime(now),
        audit_head_hash=audit.head_hash(),
        redacted=redacted,
        school_name=(current_school().name if current_school() else ""),
        notes=(
            ("This copy leaves out who reported the concern and the children's names, in its fields and in its text.",)
            if redacted
            else ()
        ),
    )


def _report_rows(
    reports: list[Report], reporter_names: dict[uuid.UUID, str], case: Case, redacted: bool, redact: Any
) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for report in reports:
        answers = report.answers or {}
        if report.is_anonymous:
            rows.append(("Reported by", "Anonymous"))
        elif redacted:
            rows.append(("Reported by", "Left out of this copy"))
        elif report.id in reporter_names:
            rows.append(("Reported by", reporter_names[report.id]))
        for key, label in REPORT_FIELDS.items():
            value = answers.get(key)
            if not value:
                continue
            if key == "children" and redacted:
                rows.append((label, "Left out of this copy"))
                continue
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            rows.append((label, redact(text)))
    return rows


def _classification(state: case_running.CaseState) -> str:
    entry = state.latest(EntryType.CLASSIFICATION)
    if entry is None:
        return "Not yet triaged by the case manager"
    words = {"yes": "is met", "no": "is not met", "not_sure": "may be met"}
    return f"The harm threshold {words.get(entry.get('harm_threshold'), 'was not assessed')}"


def _case_manager(case: Case) -> str:
    if not case.case_manager_office:
        return "No free office-holder: refer directly to the LADO"
    office = Office(case.case_manager_office)
    school = current_school()
    label = office.label(school.type) if school else office.label()
    holder_id = routing.effective_holders().get(office)
    holder = db.session.get(Person, holder_id) if holder_id else None
    return f"{label}: {holder.full_name}" if holder else label


def _subject(case: Case) -> str:
    link = db.session.scalars(
        select(CasePerson).where(CasePerson.case_id == case.id, CasePerson.role == "subject")
    ).first()
    if link is None:
        return "Not recorded"
    if link.person_ref:
        person = db.session.get(Person, uuid.UUID(link.person_ref))
        if person is not None:
            extra = f", {person.job_title}" if person.job_title else ""
            employer = f", employed by {person.employer_name}" if person.employer_name else ""
            return f"{person.full_name}{extra} ({person.type.label}{employer})"
    description = link.description or {}
    return str(description.get("name") or "Not recorded")


def _access_log(case: Case) -> tuple[AccessRecord, ...]:
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action.in_(list(ACCESS_ACTIONS)))
        .order_by(AuditEvent.seq)
    ).all()
    user_ids = {event.actor_user_id for event in events if event.actor_user_id}
    names = (
        {user.id: user.person.full_name for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        if user_ids
        else {}
    )
    return tuple(
        AccessRecord(
            who=names.get(event.actor_user_id, "Unknown") if event.actor_user_id else "Casetracker",
            action=ACCESS_ACTIONS[event.action],
            when=govuk_datetime(event.occurred_at),
        )
        for event in events
    )


def export_chronology(actor: Actor, case: Case, *, redacted: bool) -> Export:
    """Render the PDF and audit the export with the file's SHA-256, before a byte is sent."""
    from casetracker.pdf import chronology as renderer

    if not can_export_case(actor, relation_to(actor, case)):
        raise CaseNotFoundError(str(case.id))
    document = build_document(actor, case, redacted=redacted)
    data = renderer.render(document)
    digest = crypto.sha256_hex(data)
    audit.record(
        "case.exported",
        actor_user_id=actor.user_id,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        secret={"sha256": digest, "content_sha256": document.content_hash(), "redacted": redacted},
    )
    db.session.commit()
    suffix = "-redacted" if redacted else ""
    return Export(filename=f"chronology-{case.reference}{suffix}.pdf", data=data, sha256=digest)
