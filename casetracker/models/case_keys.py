"""Case data keys (wrapped) and the key canaries, as stored."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from casetracker.clock import utcnow
from casetracker.models.base import Base


class CaseKey(Base):
    """A case's data key, wrapped by a key-encryption key. Shredding deletes `wrapped`."""

    __tablename__ = "case_key"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_record.id"), unique=True)
    kek_id: Mapped[str | None] = mapped_column(String(40), index=True)
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    destroyed_at: Mapped[dt.datetime | None]


class KeyCanary(Base):
    """A known value encrypted under each key-encryption key: a wrong keyring is caught at start-up."""

    __tablename__ = "key_canary"

    kek_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    blob: Mapped[bytes] = mapped_column(LargeBinary)


class CaseDestruction(Base):
    """A case the destruction service is destroying: while listed, its chronology rows may be deleted."""

    __tablename__ = "case_destruction"

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
