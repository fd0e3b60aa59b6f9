"""A version per case-manager office, replaced in the same transaction as any change to one of the
office's cases that the dashboard counts.

The dashboard's counts cost a range over an office's cases; a worker keeps the counts it made
and reuses them while the office's version stands (services/dashboard.py). A version is a random
token, not a counter, so a database restored from a backup can never show a running worker a
version it has already seen for another state. It is replaced by the last statement before
COMMIT: by then any lock on the audit chain's head is already held, so taking the office row's
lock cannot make two transactions wait on each other.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from casetracker.models.base import Base
from casetracker.models.cases import Case

# The columns the dashboard counts by. A change to any other column leaves the counts alone.
COUNTED = (
    "status",
    "case_manager_office",
    "opened_at",
    "closed_at",
    "destroyed_at",
    "next_due_at",
    "lado_due_at",
    "pattern_review_pending",
    "retention_due",
)
_PENDING = "casetracker.changed_offices"


class OfficeCasesVersion(Base):
    __tablename__ = "office_cases_version"

    office: Mapped[str] = mapped_column(String(30), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))


def versions(session: Session, offices: tuple[str, ...]) -> tuple[str, ...]:
    """The offices' versions as committed ("" for an office none of whose cases has changed)."""
    rows = session.execute(
        select(OfficeCasesVersion.office, OfficeCasesVersion.version).where(OfficeCasesVersion.office.in_(offices))
    )
    found: dict[str, str] = dict(rows.all())  # type: ignore[arg-type]
    return tuple(found.get(office, "") for office in offices)


def has_uncommitted_case_changes(session: Session) -> bool:
    """Whether this transaction has changed a counted case (its counts are not everyone's yet)."""
    return bool(session.info.get(_PENDING)) or any(isinstance(row, Case) for row in (*session.new, *session.dirty))


def _offices_touched(case: Case, state: Any, whole: bool) -> set[str]:
    offices = {case.case_manager_office}
    if not whole:
        history = [state.attrs[name].history for name in COUNTED]
        if not any(item.has_changes() for item in history):
            return set()
        offices.update(history[COUNTED.index("case_manager_office")].deleted or ())
    return {office for office in offices if office}


@event.listens_for(Session, "before_flush")
def _note_changed_offices(session: Session, flush_context: Any, instances: Any) -> None:
    pending: set[str] = session.info.setdefault(_PENDING, set())
    added_or_deleted = {*session.new, *session.deleted}
    for row in (*added_or_deleted, *session.dirty):
        if isinstance(row, Case):
            pending |= _offices_touched(row, inspect(row), whole=row in added_or_deleted)


@event.listens_for(Session, "before_commit")
def _replace_versions(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer transaction's commit replaces them
    session.flush()
    offices = sorted(session.info.pop(_PENDING, set()))
    if not offices:
        return
    bind = session.get_bind()
    insert = postgresql_insert if bind.dialect.name == "postgresql" else sqlite_insert
    for office in offices:  # in one order everywhere, so two committers never wait on each other
        token = uuid.uuid4().hex
        statement = insert(OfficeCasesVersion).values(office=office, version=token)
        session.execute(
            statement.on_conflict_do_update(index_elements=[OfficeCasesVersion.office], set_={"version": token})
        )


@event.listens_for(Session, "after_rollback")
def _forget_changed_offices(session: Session) -> None:
    session.info.pop(_PENDING, None)
