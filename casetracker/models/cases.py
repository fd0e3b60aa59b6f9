"""The case store: cases and everything in them, encrypted at rest.

What stays in clear (see the README): ids, timestamps, kind, status, the case manager's office,
flags the rules query (legal hold), sequence numbers and keyed blind indexes of people's ids.
Everything else — narratives, names, who reported, who the subject is, chronology text, messages,
attachment bytes and names, LADO details — is encrypted under the case's own data key.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from casetracker.clock import utcnow
from casetracker.models.base import Base
from casetracker.models.encrypted import EncryptedJSON, EncryptedText, encrypted_column


class CaseOwned:
    """Rows that belong to a case are encrypted under that case's data key."""

    @property
    def case_key_owner_id(self) -> uuid.UUID:
        return self.case_id  # type: ignore[attr-defined, no-any-return]


class Case(Base):
    __tablename__ = "case_record"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(30), default="received", index=True)
    case_manager_office: Mapped[str | None] = mapped_column(String(30), index=True)
    guidance_edition: Mapped[str] = mapped_column(String(20), default="KCSIE 2025")
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[dt.datetime | None]
    legal_hold: Mapped[bool] = mapped_column(default=False)
    destroyed_at: Mapped[dt.datetime | None]
    # The subject, as a keyed HMAC of their directory id: "all concerns about this person"
    # and "this user may not see this case" are indexed queries that name nobody.
    subject_index: Mapped[str | None] = mapped_column(String(64), index=True)
    # What the dashboard counts, kept in clear so it never decrypts a case it only counts. These
    # are projections of the chronology, refreshed by services/case_running after every write.
    potential_allegation: Mapped[bool] = mapped_column(default=False)
    lado_due_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    next_due_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    pattern_review_pending: Mapped[bool] = mapped_column(default=False)
    # When the retention rule makes the case due for a destruction review (services/retention.py),
    # and whether the daily run has put it on its case manager's review list.
    retention_review_on: Mapped[dt.date | None] = mapped_column(index=True)
    retention_due: Mapped[bool] = mapped_column(default=False)

    summary_enc: Mapped[bytes | None] = encrypted_column()
    details_enc: Mapped[bytes | None] = encrypted_column()
    summary = EncryptedText()
    details = EncryptedJSON()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("id", uuid.uuid4())
        super().__init__(**kwargs)

    # The dashboard counts and pages an office's cases by ranges over these, so its cost follows
    # the page it shows, not the number of cases (services/dashboard.py).
    __table_args__ = (
        Index("ix_case_record_office_queue", "case_manager_office", "status", "next_due_at", "opened_at"),
        Index("ix_case_record_office_age", "case_manager_office", "status", "opened_at"),
        Index("ix_case_record_office_closed", "case_manager_office", "status", "closed_at"),
        Index("ix_case_record_office_lado", "case_manager_office", "status", "lado_due_at"),
        Index("ix_case_record_office_pattern", "case_manager_office", "pattern_review_pending", "status"),
        Index("ix_case_record_office_retention", "case_manager_office", "retention_due", "status"),
    )

    @property
    def case_key_owner_id(self) -> uuid.UUID:
        return self.id


class CasePerson(CaseOwned, Base):
    """A person linked to a case: the subject, someone implicated, or the reporter."""

    __tablename__ = "case_person"
    __table_args__ = (Index("ix_case_person_lookup", "person_index", "role"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_record.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    person_index: Mapped[str | None] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[dt.datetime | None]

    person_ref_enc: Mapped[bytes | None] = encrypted_column()
    description_enc: Mapped[bytes | None] = encrypted_column()
    person_ref = EncryptedText()
    description = EncryptedJSON()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("id", uuid.uuid4())
        super().__init__(**kwargs)


class Report(CaseOwned, Base):
    """What a reporter submitted; never edited. Further information is appended as a new report."""

    __tablename__ = "report"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_record.id"), index=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reporter_index: Mapped[str | None] = mapped_column(String(64), index=True)
    is_anonymous: Mapped[bool] = mapped_column(default=False)

    # An anonymous whistleblower's receipt: a short public part to find the report by, and a
    # slow hash of the secret part (the code itself is shown once and stored nowhere).
    receipt_lookup: Mapped[str | None] = mapped_column(String(16), unique=True)
    receipt_hash: Mapped[str | None] = mapped_column(String(200))

    reporter_enc: Mapped[bytes | None] = encrypted_column()
    answers_enc: Mapped[bytes | None] = encrypted_column()
    reporter = EncryptedJSON()
    answers = EncryptedJSON()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("id", uuid.uuid4())
        super().__init__(**kwargs)


class CaseCollaborator(Base):
    """Someone the case manager added to help (audited and shown on the case). Never automatic."""

    __tablename__ = "case_collaborator"
    __table_args__ = (Index("ix_case_collaborator_lookup", "case_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_record.id"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    removed_at: Mapped[dt.datetime | None]


class ChronologyEntry(CaseOwned, Base):
    """One dated step in a case. Never updated or deleted: a correction supersedes it."""

    __tablename__ = "chronology_entry"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_chronology_entry_case_seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_record.id"))
    seq: Mapped[int]
    occurred_at: Mapped[dt.datetime]
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("chronology_entry.id"))

    body_enc: Mapped[bytes | None] = encrypted_column()
    body = EncryptedJSON()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("id", uuid.uuid4())
        super().__init__(**kwargs)


class Attachment(CaseOwned, Base):
    """Evidence. The bytes live encrypted in a file with a generated name; metadata is encrypted here."""

    __tablename__ = "attachment"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_record.id"), index=True)
    entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("chronology_entry.id"))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    file_metadata_enc: Mapped[bytes | None] = encrypted_column()
    file_metadata = EncryptedJSON()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("id", uuid.uuid4())
        super().__init__(**kwargs)


class Message(CaseOwned, Base):
    """Between the case manager and the reporter (including an anonymous whistleblower)."""

    __tablename__ = "message"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_record.id"), index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    direction: Mapped[str] = mapped_column(String(20))

    body_enc: Mapped[bytes | None] = encrypted_column()
    body = EncryptedJSON()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("id", uuid.uuid4())
        super().__init__(**kwargs)


class LegalHold(Base):
    """A hold the data-protection officer set on a case (an inquiry, litigation): nothing of the case
    may be destroyed while it stands. Lifting it keeps the row, so the history stays."""

    __tablename__ = "legal_hold"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_record.id"), index=True)
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    set_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(500))
    lifted_at: Mapped[dt.datetime | None]
    lifted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class CaseTombstone(Base):
    """What is left of a destroyed case: that it existed, its kind and dates, who authorised its
    destruction and why. Nothing about who it concerned or what was said."""

    __tablename__ = "case_tombstone"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_record.id"), primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    opened_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]
    destroyed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    authorised_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(500))
