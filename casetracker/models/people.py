"""The staff directory, accounts, offices and the register of interests.

A person (directory entry) is separate from a user account: a case's subject may have no account.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetracker.clock import utcnow
from casetracker.domain.people import Office, Role, StaffType
from casetracker.models.base import Base


class Person(Base):
    __tablename__ = "person"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    staff_type: Mapped[str] = mapped_column(String(20), default=StaffType.EMPLOYEE.value)
    employer_name: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[dt.date | None]
    leave_date: Mapped[dt.date | None]
    date_of_birth: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User | None] = relationship(back_populates="person")

    @property
    def type(self) -> StaffType:
        return StaffType(self.staff_type)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), unique=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    last_sign_in_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When the sign-in email changed or two-factor was reset: a case manager is shown this for a
    # collaborator whose sign-in changed after they were added (an account taken over?).
    sign_in_changed_at: Mapped[dt.datetime | None]

    person: Mapped[Person] = relationship(back_populates="user")
    role_grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(grant.role) for grant in self.role_grants)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    # Flask-Login's protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class RoleGrant(Base):
    __tablename__ = "role_grant"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_grants")


class RecoveryCode(Base):
    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[dt.datetime | None]


class PasswordResetToken(Base):
    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class OfficeHolding(Base):
    """One person holding one office for a period; history is kept by ending, never deleting."""

    __tablename__ = "office_holding"
    __table_args__ = (
        # One current holder (and one current acting holder) per single office.
        Index(
            "uq_office_holding_current",
            "school_id",
            "office",
            "is_acting",
            unique=True,
            sqlite_where=text("ended_at IS NULL AND office != 'deputy_dsl'"),
            postgresql_where=text("ended_at IS NULL AND office != 'deputy_dsl'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    office: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    is_acting: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def kind(self) -> Office:
        return Office(self.office)


class ConfirmationRequest(Base):
    """A change to an office, or to an office-holder's two-factor or email, awaiting a second person."""

    __tablename__ = "confirmation_request"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    kind: Mapped[str] = mapped_column(String(30))
    office: Mapped[str | None] = mapped_column(String(30))
    is_acting: Mapped[bool] = mapped_column(default=False)
    target_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    holding_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("office_holding.id"))
    new_email: Mapped[str | None] = mapped_column(String(320))
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[dt.datetime | None]

    target_person: Mapped[Person] = relationship(foreign_keys=[target_person_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])


class RelationshipDeclaration(Base):
    """A confidential declaration of a close personal relationship; routing reads it."""

    __tablename__ = "relationship_declaration"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    declarant_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    related_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    nature: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None]

    related_person: Mapped[Person] = relationship(foreign_keys=[related_person_id])


class SubjectAccessReferral(Base):
    """A subject access request the data-protection officer could not produce, because they are
    named in a case the pack would read: a second office-holder produces it (domain.policy
    .can_produce_subject_access). Which case named them is never stored or shown."""

    __tablename__ = "subject_access_referral"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    produced_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    produced_at: Mapped[dt.datetime | None] = mapped_column(index=True)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
