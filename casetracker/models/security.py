"""Server-side sessions and the audit trail's rows."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from casetracker.clock import utcnow
from casetracker.models.base import Base
from casetracker.models.encrypted import EncryptedJSON, encrypted_column


class WebSession(Base):
    """A browser session. The id is the SHA-256 of the cookie's token, so a stolen database
    does not hand out live sessions; deleting the row revokes the session at once."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class AuditEvent(Base):
    """One audited event, linked into a hash chain. Never updated or deleted (database triggers).

    Clear columns hold ids and outcomes only. Details that must be kept but could say something
    about a case (a file's hash, say) are encrypted under that case's data key, so they become
    unreadable when the case is destroyed while the chain still verifies.
    """

    __tablename__ = "audit_event"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(unique=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="success")
    request_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    secret_enc: Mapped[bytes | None] = encrypted_column()
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))

    secret = EncryptedJSON()

    @property
    def case_key_owner_id(self) -> uuid.UUID | None:
        return self.case_id


class AuditHead(Base):
    """The chain's newest sequence number and hash. Appends lock this row, so the chain never forks."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))


class ReportDraft(Base):
    """A signed-in reporter's unfinished report, sealed (encrypted under its own wrapped key).

    Kept in the database rather than the session so that it survives a sign-in timeout.
    """

    __tablename__ = "report_draft"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    sealed: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
