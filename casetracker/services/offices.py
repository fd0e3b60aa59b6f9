"""Offices and the two-person rule.

The administrator cannot alone change who holds a safeguarding office, nor reset an
office-holder's two-factor or email: a request waits until another current office-holder
confirms it. Every office-holder is told by email, without names or content. First-time set-up
from the command line is the one way round it (whoever runs the server already controls it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, TwoPersonRequest, can_confirm, is_administrator
from casetracker.extensions import db
from casetracker.models import (
    ConfirmationRequest,
    OfficeHolding,
    PasswordResetToken,
    Person,
    RecoveryCode,
    User,
)
from casetracker.security.sessions import revoke_user_sessions
from casetracker.services import routing
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

    @property
    def is_about_an_account(self) -> bool:
        return self in (RequestKind.RESET_TWO_FACTOR, RequestKind.CHANGE_EMAIL)


class RequestStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class OfficeError(ValueError):
    """An office change that cannot be made; the message says why, `field` where it belongs."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# Reads ---------------------------------------------------------------------------------------


def current_holdings(office: Office | None = None) -> list[OfficeHolding]:
    query = select(OfficeHolding).where(OfficeHolding.ended_at.is_(None))
    if office is not None:
        query = query.where(OfficeHolding.office == office.value)
    return list(
        db.session.scalars(query.order_by(OfficeHolding.office, OfficeHolding.is_acting, OfficeHolding.started_at))
    )


def ended_holdings() -> list[OfficeHolding]:
    """Office history: every holding that has ended, most recent first."""
    return list(
        db.session.scalars(
            select(OfficeHolding).where(OfficeHolding.ended_at.is_not(None)).order_by(OfficeHolding.ended_at.desc())
        )
    )


def get_holding(holding_id: uuid.UUID) -> OfficeHolding | None:
    return db.session.get(OfficeHolding, holding_id)


def holds_any_office(person_id: uuid.UUID) -> bool:
    return (
        db.session.scalar(
            select(OfficeHolding.id)
            .where(OfficeHolding.person_id == person_id, OfficeHolding.ended_at.is_(None))
            .limit(1)
        )
        is not None
    )


def _current_holding(person_id: uuid.UUID, office: Office, is_acting: bool) -> OfficeHolding | None:
    return db.session.scalars(
        select(OfficeHolding).where(
            OfficeHolding.person_id == person_id,
            OfficeHolding.office == office.value,
            OfficeHolding.is_acting == is_acting,
            OfficeHolding.ended_at.is_(None),
        )
    ).first()


@dataclass
class OfficeRow:
    """One office as the administrator's overview shows it."""

    office: Office
    holders: list[OfficeHolding] = field(default_factory=list)
    acting: list[OfficeHolding] = field(default_factory=list)


def office_overview() -> list[OfficeRow]:
    rows = {office: OfficeRow(office) for office in Office}
    for holding in current_holdings():
        row = rows[holding.kind]
        (row.acting if holding.is_acting else row.holders).append(holding)
    return list(rows.values())


def directory() -> list[Person]:
    """Everyone in the staff directory, by name (for choosing a person)."""
    return list(db.session.scalars(select(Person).order_by(Person.full_name, Person.id)))


def get_person(person_id: uuid.UUID) -> Person | None:
    return db.session.get(Person, person_id)


def pending_requests() -> list[ConfirmationRequest]:
    return list(
        db.session.scalars(
            select(ConfirmationRequest)
            .where(ConfirmationRequest.status == RequestStatus.PENDING.value)
            .order_by(ConfirmationRequest.requested_at)
        )
    )


def may_confirm(actor: Actor, request: ConfirmationRequest) -> bool:
    return can_confirm(actor, TwoPersonRequest(request.requested_by_id, request.target_person_id))


def is_own_request(actor: Actor, request: ConfirmationRequest) -> bool:
    return request.requested_by_id == actor.user_id


def requests_to_decide(actor: Actor) -> list[ConfirmationRequest]:
    """Pending requests this actor may confirm or reject."""
    return [request for request in pending_requests() if may_confirm(actor, request)]


def own_requests(actor: Actor) -> list[ConfirmationRequest]:
    return [request for request in pending_requests() if is_own_request(actor, request)]


def request_for(actor: Actor, request_id: uuid.UUID) -> ConfirmationRequest | None:
    """A pending request this actor may decide (confirm, reject, or cancel their own); else None."""
    request = db.session.get(ConfirmationRequest, request_id)
    if request is None or request.status != RequestStatus.PENDING.value:
        return None
    if may_confirm(actor, request) or is_own_request(actor, request):
        return request
    return None


# Changes -------------------------------------------------------------------------------------


def _end_current(office: Office, is_acting: bool) -> list[OfficeHolding]:
    """End the current holder (or acting holder) of a single office; deputies are many."""
    ended = []
    if office.is_single:
        for holding in current_holdings(office):
            if holding.is_acting == is_acting:
                holding.ended_at = utcnow()
                ended.append(holding)
    db.session.flush()
    return ended


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
    target_person_id: uuid.UUID | None = None
    office: Office | None = None
    is_acting: bool = False
    holding_id: uuid.UUID | None = None
    new_email: str | None = None


def awaiting_appointment(person_id: uuid.UUID) -> bool:
    return (
        db.session.scalar(
            select(ConfirmationRequest.id)
            .where(
                ConfirmationRequest.target_person_id == person_id,
                ConfirmationRequest.kind == RequestKind.APPOINT.value,
                ConfirmationRequest.status == "pending",
            )
            .limit(1)
        )
        is not None
    )


def _normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def _email_in_use(email: str, user: User) -> bool:
    """Another account, or another person in the directory, already has this address."""
    other_user = db.session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != user.id).limit(1))
    other_person = db.session.scalar(
        select(Person.id).where(func.lower(Person.email) == email, Person.id != user.person_id).limit(1)
    )
    return other_user is not None or other_person is not None


@dataclass(frozen=True)
class _Checked:
    kind: RequestKind
    target: Person
    office: Office | None
    is_acting: bool
    holding_id: uuid.UUID | None
    new_email: str | None


def _check(new: NewRequest) -> _Checked:
    """Validate a request and fill in what the holding implies (an END's office and person)."""
    kind = new.kind
    if kind is RequestKind.END:
        holding = get_holding(new.holding_id) if new.holding_id else None
        if holding is None or holding.ended_at is not None:
            raise OfficeError("This person no longer holds this office")
        return _Checked(kind, holding.person, holding.kind, holding.is_acting, holding.id, None)
    target = get_person(new.target_person_id) if new.target_person_id else None
    if target is None:
        raise OfficeError("Choose a person from the directory", "person")
    if kind is RequestKind.APPOINT:
        if new.office is None:
            raise OfficeError("Choose an office", "office")
        if target.user is None or not target.user.is_active:
            raise OfficeError("This person needs an active account before they can hold an office", "person")
        already = _current_holding(target.id, new.office, new.is_acting) is not None or (
            new.is_acting and _current_holding(target.id, new.office, False) is not None
        )
        if already:
            raise OfficeError("This person already holds this office", "person")
        return _Checked(kind, target, new.office, new.is_acting, None, None)
    if target.user is None:
        raise OfficeError("This person has no account", "person")
    if kind is RequestKind.RESET_TWO_FACTOR:
        return _Checked(kind, target, None, False, None, None)
    email = _normalise_email(new.new_email)
    if not email:
        raise OfficeError("Enter the new email address", "new_email")
    if email == target.user.email.lower():
        raise OfficeError("This is already their sign-in email address", "new_email")
    if _email_in_use(email, target.user):
        raise OfficeError("Another person or account already has this email address", "new_email")
    return _Checked(kind, target, None, False, None, email)


def _same_pending(checked: _Checked) -> ConfirmationRequest | None:
    """A request for exactly this change that is already waiting, if any."""
    query = select(ConfirmationRequest).where(
        ConfirmationRequest.status == RequestStatus.PENDING.value,
        ConfirmationRequest.kind == checked.kind.value,
        ConfirmationRequest.target_person_id == checked.target.id,
    )
    if checked.kind in (RequestKind.APPOINT, RequestKind.END):
        query = query.where(
            ConfirmationRequest.office == (checked.office.value if checked.office else None),
            ConfirmationRequest.is_acting == checked.is_acting,
        )
    if checked.kind is RequestKind.CHANGE_EMAIL:
        query = query.where(ConfirmationRequest.new_email == checked.new_email)
    return db.session.scalars(query.limit(1)).first()


def request_change(actor: Actor, new: NewRequest) -> ConfirmationRequest:
    """Ask for a change; it waits for a second office-holder (the pending request is returned, the
    same one if it is already waiting). Every change does, whoever it is about (security review of
    December 2026, findings 1 and 7): appointing to or ending any office, the deputy DSL's
    included; a new sign-in email, which its owner may also confirm from their old address; a
    two-factor reset. Not only for accounts that can see a case: if the rule depended on that,
    whether it applied would tell the administrator who reported a concern or helps with a case."""
    if not is_administrator(actor):
        raise OfficeError("Only the system administrator can ask for this change")
    checked = _check(new)
    waiting = _same_pending(checked)
    if waiting is not None:
        return waiting  # asking twice is asking once: no second request, no second email
    request = ConfirmationRequest(
        school_id=require_school().id,
        kind=checked.kind.value,
        office=checked.office.value if checked.office else None,
        is_acting=checked.is_acting,
        target_person_id=checked.target.id,
        holding_id=checked.holding_id,
        new_email=checked.new_email,
        requested_by_id=actor.user_id,
    )
    db.session.add(request)
    db.session.flush()
    details = {"kind": checked.kind.value, "office": request.office, "is_acting": checked.is_acting}
    audit.record(
        "office.change_requested",
        actor_user_id=actor.user_id,
        object_type="confirmation_request",
        object_id=request.id,
        **details,
    )
    db.session.commit()
    _tell_office_holders(
        "A change to who holds an office, or to someone's sign-in, is waiting for another office-holder to confirm it."
    )
    if checked.kind is RequestKind.CHANGE_EMAIL and checked.target.user is not None:
        _ask_owner_to_confirm(request, checked.target.user.email)
    return request


# A change of sign-in email confirmed by its owner, from the old address -------------------------

# How long the owner's link works: the request waits for an office-holder after that.
OWNER_LINK_DAYS = 7
_OWNER_LINK_SALT = "casetracker-email-change"


def _owner_link_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_OWNER_LINK_SALT)


def _ask_owner_to_confirm(request: ConfirmationRequest, old_email: str) -> None:
    """The old address gets a link to confirm the change: only its owner reads it (not the
    administrator who asked), so the change cannot move an account to a mailbox they read."""
    token = _owner_link_serializer().dumps({"request": str(request.id), "old": old_email.lower()})
    link = absolute_url(url_for("auth.confirm_email_change", token=token))
    send_email(
        old_email,
        "Casetracker: confirm the change to your sign-in email address",
        "The system administrator has asked to change the email address you use to sign in to Casetracker. "
        f"If you asked for this, confirm it here within {OWNER_LINK_DAYS} days: {link}\n\n"
        "If you did not, ignore this email and tell your headteacher or designated safeguarding lead now.",
    )


def email_change_for_owner(token: str) -> ConfirmationRequest | None:
    """The pending email change the owner's link names, if it still can be confirmed with it."""
    try:
        data = _owner_link_serializer().loads(token)
        request = db.session.get(ConfirmationRequest, uuid.UUID(str(data["request"])))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if request is None or request.status != RequestStatus.PENDING.value or request.kind != RequestKind.CHANGE_EMAIL:
        return None
    user = request.target_person.user
    if user is None or not user.is_active or user.email.lower() != str(data.get("old", "")):
        return None
    if request.requested_at < utcnow() - dt.timedelta(days=OWNER_LINK_DAYS):
        return None
    return request


def confirm_own_email_change(request: ConfirmationRequest) -> None:
    """The owner confirms, from their old address, the change the administrator asked for."""
    user = request.target_person.user
    assert user is not None  # email_change_for_owner checked it
    owner = Actor(user.id, user.person_id, user.roles)
    details: dict[str, object] = {"kind": request.kind, "office": None, "is_acting": False}
    notices = _carry_out_and_commit(request, owner, event="office.change_confirmed_by_owner", details=details)
    _send(notices)


def confirm_request(actor: Actor, request: ConfirmationRequest) -> None:
    if request.status != RequestStatus.PENDING.value:
        raise OfficeError("This request has already been decided")
    if not may_confirm(actor, request):
        raise OfficeError(
            "Another office-holder must confirm this change: not the person who asked for it, nor the person it changes"
        )
    told_before = _office_holder_addresses()
    details = {"kind": request.kind, "office": request.office, "is_acting": request.is_acting}
    notices = _carry_out_and_commit(request, actor, event="office.change_confirmed", details=details)
    _tell_office_holders(
        "A change to who holds a safeguarding office, or to an office-holder's sign-in, has been confirmed.",
        also=told_before,
    )
    _send(notices)


def reject_request(actor: Actor, request: ConfirmationRequest) -> None:
    """Reject someone else's request, or cancel your own."""
    if request.status != RequestStatus.PENDING.value:
        raise OfficeError("This request has already been decided")
    mine = is_own_request(actor, request)
    if not (mine or may_confirm(actor, request)):
        raise OfficeError("You cannot decide this request")
    request.status = (RequestStatus.CANCELLED if mine else RequestStatus.REJECTED).value
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


def _carry_out_and_commit(
    request: ConfirmationRequest, actor: Actor, *, event: str, details: dict[str, object]
) -> list[tuple[str, str]]:
    """Make the change, audit it and commit; on failure nothing is kept. Returns emails to send."""
    try:
        notices = _carry_out(request, decided_by=actor)
        audit.record(
            event, actor_user_id=actor.user_id, object_type="confirmation_request", object_id=request.id, **details
        )
        moved = []
        if RequestKind(request.kind) in (RequestKind.APPOINT, RequestKind.END):
            # The case manager is an office: its cases follow the new holder at once, except
            # any where they are the subject, implicated or conflicted (DOMAIN.md section 3).
            db.session.flush()
            moved = routing.reroute_open_cases(actor.user_id)
        db.session.commit()
    except OfficeError:
        db.session.rollback()
        raise
    except IntegrityError:
        # Someone else changed the same office or address at the same moment.
        db.session.rollback()
        raise OfficeError("Someone else changed this at the same time. Check the offices and try again") from None
    routing.tell_case_managers_of(moved)
    return notices


def _carry_out(request: ConfirmationRequest, *, decided_by: Actor) -> list[tuple[str, str]]:
    kind = RequestKind(request.kind)
    now = utcnow()
    notices: list[tuple[str, str]] = []
    if kind is RequestKind.APPOINT:
        office = Office(request.office or "")
        if _current_holding(request.target_person_id, office, request.is_acting) is not None:
            raise OfficeError("This person already holds this office")
        _end_current(office, request.is_acting)
        if not request.is_acting:
            # Someone covering an office who is now appointed to it stops being its acting holder.
            own_cover = _current_holding(request.target_person_id, office, True)
            if own_cover is not None:
                own_cover.ended_at = now
                db.session.flush()
        db.session.add(
            OfficeHolding(
                school_id=request.school_id,
                office=office.value,
                person_id=request.target_person_id,
                is_acting=request.is_acting,
                started_at=now,
                requested_by_id=request.requested_by_id,
                confirmed_by_id=decided_by.user_id,
            )
        )
    elif kind is RequestKind.END:
        holding = get_holding(request.holding_id) if request.holding_id else None
        if holding is None or holding.ended_at is not None:
            raise OfficeError("This person no longer holds this office")
        holding.ended_at = now
    else:
        person = get_person(request.target_person_id)
        user = person.user if person is not None else None
        if user is None:
            raise OfficeError("This person has no account")
        if kind is RequestKind.RESET_TWO_FACTOR:
            user.totp_secret = None
            user.totp_last_step = None
            user.sign_in_changed_at = now
            # A lost or stolen device's recovery codes go with it.
            db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
                .values(used_at=now)
            )
            audit.record("two_factor.reset", actor_user_id=decided_by.user_id, object_type="user", object_id=user.id)
            notices.append(
                (user.email, "Your two-factor authentication has been reset. Set it up again next time you sign in.")
            )
        else:
            email = _normalise_email(request.new_email)
            if not email or _email_in_use(email, user):
                raise OfficeError("Another person or account already has this email address")
            old_email = user.email
            user.email = email
            user.person.email = email
            user.sign_in_changed_at = now
            # A reset link sent to the old address must not work any more.
            db.session.execute(
                update(PasswordResetToken)
                .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
                .values(used_at=now)
            )
            audit.record(
                "account.email_changed", actor_user_id=decided_by.user_id, object_type="user", object_id=user.id
            )
            notices.append((old_email, "The email address you use to sign in to Casetracker has been changed."))
            notices.append((email, "This is now the email address you use to sign in to Casetracker."))
        revoke_user_sessions(user.id)
    request.status = RequestStatus.CONFIRMED.value
    request.decided_by_id = decided_by.user_id
    request.decided_at = now
    db.session.flush()
    return notices


# Notifications -------------------------------------------------------------------------------


def _office_holder_addresses() -> set[str]:
    """Every current office-holder's active account."""
    return {
        holding.person.user.email
        for holding in current_holdings()
        if holding.person.user is not None and holding.person.user.is_active
    }


def _tell_office_holders(sentence: str, *, also: Iterable[str] = ()) -> None:
    """Every current office-holder (and anyone in `also`) is told, without names or details."""
    link = absolute_url(url_for("offices.list_requests"))
    for address in sorted(_office_holder_addresses() | set(also)):
        send_email(
            address,
            "Casetracker: a change to an office needs your attention",
            f"{sentence}\n\nSign in to see it: {link}",
        )


def _send(notices: Iterable[tuple[str, str]]) -> None:
    for address, sentence in notices:
        send_email(
            address,
            "Casetracker: a change to your account",
            f"{sentence}\n\nIf you did not expect this, tell your headteacher or designated safeguarding lead now.",
        )
