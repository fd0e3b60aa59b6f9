"""Offices and the two-person rule.

The administrator cannot alone change who holds a safeguarding office, nor reset an
office-holder's two-factor or email: a request waits until another current office-holder
confirms it. Every office-holder is told by email, without content. First-time set-up from the
command line is the one way round it (whoever runs the server already controls it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from flask import url_for
from sqlalchemy import select

from casetracker import audit
from casetracker.domain.people import SAFEGUARDING_OFFICES, Office
from casetracker.domain.policy import Actor, TwoPersonRequest, can_confirm
from casetracker.extensions import db
from casetracker.models import ConfirmationRequest, OfficeHolding, Person, User, utcnow
from casetracker.security.sessions import revoke_user_sessions
from casetracker.services.notifications import absolute_url, send_email
from casetracker.services.school import require_school


class RequestKind(StrEnum):
    APPOINT = "appoint"
    END = "end"
    RESET_TWO_FACTOR = "reset_two_factor"
    CHANGE_EMAIL = "change_email"

    @property
    def label(self) -> str:
        return {
            RequestKind.APPOINT: "Appoint to an office",
            RequestKind.END: "End an office",
            RequestKind.RESET_TWO_FACTOR: "Reset two-factor authentication",
            RequestKind.CHANGE_EMAIL: "Change sign-in email address",
        }[self]


class OfficeError(ValueError):
    """An office change that cannot be made; the message says why."""


def current_holdings(office: Office | None = None) -> list[OfficeHolding]:
    query = select(OfficeHolding).where(OfficeHolding.ended_at.is_(None))
    if office is not None:
        query = query.where(OfficeHolding.office == office.value)
    return list(
        db.session.scalars(query.order_by(OfficeHolding.office, OfficeHolding.is_acting, OfficeHolding.started_at))
    )


def holds_any_office(person_id: uuid.UUID) -> bool:
    return (
        db.session.scalar(
            select(OfficeHolding.id)
            .where(OfficeHolding.person_id == person_id, OfficeHolding.ended_at.is_(None))
            .limit(1)
        )
        is not None
    )


def _end_current(office: Office, is_acting: bool) -> None:
    if not office.is_single:
        return
    for holding in current_holdings(office):
        if holding.is_acting == is_acting:
            holding.ended_at = utcnow()
    db.session.flush()


def assign_from_command_line(person: Person, office: Office, *, is_acting: bool = False) -> OfficeHolding:
    """First-time set-up by whoever runs the server: no second person is asked."""
    _end_current(office, is_acting)
    holding = OfficeHolding(
        school_id=require_school().id, office=office.value, person_id=person.id, is_acting=is_acting
    )
    db.session.add(holding)
    db.session.flush()
    audit.record(
        "office.assigned_from_command_line",
        object_type="office_holding",
        object_id=holding.id,
        office=office.value,
        is_acting=is_acting,
    )
    return holding


@dataclass(frozen=True)
class NewRequest:
    kind: RequestKind
    target_person_id: uuid.UUID
    office: Office | None = None
    is_acting: bool = False
    holding_id: uuid.UUID | None = None
    new_email: str | None = None


def needs_second_person(kind: RequestKind, office: Office | None, target_person_id: uuid.UUID) -> bool:
    if kind in (RequestKind.APPOINT, RequestKind.END):
        return office in SAFEGUARDING_OFFICES
    return holds_any_office(target_person_id)


def request_change(actor: Actor, new: NewRequest) -> ConfirmationRequest | None:
    """Ask for a change. Safeguarding offices and office-holders' credentials wait for a second
    office-holder; anything else (a deputy DSL, an ordinary account) happens at once."""
    target = db.session.get(Person, new.target_person_id)
    if target is None:
        raise OfficeError("Choose a person from the directory")
    if new.kind is RequestKind.APPOINT and new.office is None:
        raise OfficeError("Choose an office")
    if new.kind in (RequestKind.RESET_TWO_FACTOR, RequestKind.CHANGE_EMAIL) and target.user is None:
        raise OfficeError("This person has no account")
    request = ConfirmationRequest(
        school_id=require_school().id,
        kind=new.kind.value,
        office=new.office.value if new.office else None,
        is_acting=new.is_acting,
        target_person_id=target.id,
        holding_id=new.holding_id,
        new_email=new.new_email,
        requested_by_id=actor.user_id,
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "office.change_requested",
        actor_user_id=actor.user_id,
        object_type="confirmation_request",
        object_id=request.id,
        kind=new.kind.value,
        office=request.office,
        is_acting=new.is_acting,
    )
    if needs_second_person(new.kind, new.office, target.id):
        db.session.commit()
        _tell_office_holders(
            "A change to a safeguarding office or an office-holder's account is waiting for confirmation."
        )
        return request
    _carry_out(request, decided_by=actor)
    db.session.commit()
    return None


def pending_requests() -> list[ConfirmationRequest]:
    return list(
        db.session.scalars(
            select(ConfirmationRequest)
            .where(ConfirmationRequest.status == "pending")
            .order_by(ConfirmationRequest.requested_at)
        )
    )


def may_confirm(actor: Actor, request: ConfirmationRequest) -> bool:
    return can_confirm(actor, TwoPersonRequest(request.requested_by_id, request.target_person_id))


def confirm_request(actor: Actor, request: ConfirmationRequest) -> None:
    if request.status != "pending":
        raise OfficeError("This request has already been decided")
    if not may_confirm(actor, request):
        raise OfficeError(
            "Another office-holder must confirm this change: not the person who asked for it, nor the person it changes"
        )
    _carry_out(request, decided_by=actor)
    audit.record(
        "office.change_confirmed",
        actor_user_id=actor.user_id,
        object_type="confirmation_request",
        object_id=request.id,
        kind=request.kind,
        office=request.office,
        is_acting=request.is_acting,
    )
    db.session.commit()
    _tell_office_holders("A change to a safeguarding office or an office-holder's account has been confirmed.")


def reject_request(actor: Actor, request: ConfirmationRequest) -> None:
    if request.status != "pending":
        raise OfficeError("This request has already been decided")
    mine = request.requested_by_id == actor.user_id
    if not (mine or may_confirm(actor, request)):
        raise OfficeError("You cannot decide this request")
    request.status = "cancelled" if mine else "rejected"
    request.decided_by_id = actor.user_id
    request.decided_at = utcnow()
    audit.record(
        "office.change_cancelled" if mine else "office.change_rejected",
        actor_user_id=actor.user_id,
        object_type="confirmation_request",
        object_id=request.id,
        kind=request.kind,
        office=request.office,
    )
    db.session.commit()


def _carry_out(request: ConfirmationRequest, *, decided_by: Actor) -> None:
    kind = RequestKind(request.kind)
    now = utcnow()
    if kind is RequestKind.APPOINT:
        office = Office(request.office or "")
        _end_current(office, request.is_acting)
        db.session.add(
            OfficeHolding(
                school_id=request.school_id,
                office=office.value,
                person_id=request.target_person_id,
                is_acting=request.is_acting,
                requested_by_id=request.requested_by_id,
                confirmed_by_id=decided_by.user_id,
            )
        )
    elif kind is RequestKind.END:
        holding = db.session.get(OfficeHolding, request.holding_id) if request.holding_id else None
        if holding is None or holding.ended_at is not None:
            raise OfficeError("That person no longer holds this office")
        holding.ended_at = now
    else:
        user = db.session.get(Person, request.target_person_id).user  # type: ignore[union-attr]
        if user is None:
            raise OfficeError("This person has no account")
        if kind is RequestKind.RESET_TWO_FACTOR:
            user.totp_secret = None
            user.totp_last_step = None
            audit.record("two_factor.reset", actor_user_id=decided_by.user_id, object_type="user", object_id=user.id)
        else:
            clash = db.session.scalars(select(User).where(User.email == request.new_email, User.id != user.id)).first()
            if clash is not None or not request.new_email:
                raise OfficeError("Another account already uses that email address")
            user.email = request.new_email
            user.person.email = request.new_email
            audit.record(
                "account.email_changed", actor_user_id=decided_by.user_id, object_type="user", object_id=user.id
            )
        revoke_user_sessions(user.id)
    request.status = "confirmed"
    request.decided_by_id = decided_by.user_id
    request.decided_at = now
    db.session.flush()


def _tell_office_holders(sentence: str) -> None:
    """Every current office-holder with an account is told, without names or details."""
    people = {holding.person for holding in current_holdings() if holding.kind in SAFEGUARDING_OFFICES}
    for person in people:
        if person.user is not None and person.user.is_active:
            send_email(
                person.user.email,
                "Casetracker: an office change needs your attention",
                f"{sentence}\n\nSign in to see it: {absolute_url(url_for('home.dashboard'))}",
            )
