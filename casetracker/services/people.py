"""The staff directory and user accounts."""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.domain.people import Role, StaffType
from casetracker.domain.policy import Actor
from casetracker.extensions import db
from casetracker.models import ConfirmationRequest, PasswordResetToken, Person, RoleGrant, User
from casetracker.security.passwords import hash_password, token_digest
from casetracker.security.sessions import revoke_user_sessions
from casetracker.services import offices
from casetracker.services.notifications import absolute_url, send_email
from casetracker.services.school import require_school

# An invitation is a password-reset link that lives longer: new staff may not read email at once.
INVITATION_DAYS = 7
PEOPLE_PER_PAGE = 50
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 320
# Deliberately loose: one @, something either side, a dot in the domain, no spaces.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PeopleError(ValueError):
    """A change to the directory or accounts that cannot be made; the message says why.

    `field` names the form field the problem belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PersonDetails:
    full_name: str
    email: str | None
    job_title: str = ""
    staff_type: StaffType = StaffType.EMPLOYEE
    employer_name: str = ""
    start_date: dt.date | None = None
    leave_date: dt.date | None = None
    date_of_birth: dt.date | None = None


FIELDS = ("full_name", "email", "job_title", "staff_type", "employer_name", "start_date", "leave_date", "date_of_birth")


def is_valid_email(email: str) -> bool:
    return len(email) <= MAX_EMAIL_LENGTH and EMAIL_PATTERN.match(email) is not None


def check_details(details: PersonDetails, today: dt.date) -> dict[str, str]:
    """The rules a directory entry must meet beyond its single fields: {field name: problem}.

    Shared by the administrator's form and the staff import, so both say the same thing.
    """
    problems: dict[str, str] = {}
    if StaffType(details.staff_type).has_external_employer and not details.employer_name.strip():
        problems["employer_name"] = (
            "Enter the name of the agency or employer (needed for supply, agency and contractor staff)"
        )
    if details.start_date and details.leave_date and details.leave_date < details.start_date:
        problems["leave_date"] = "Leave date must be the same as or after the start date"
    if details.date_of_birth and details.date_of_birth >= today:
        problems["date_of_birth"] = "Date of birth must be in the past"
    return problems


def normalise_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def person_by_email(email: str) -> Person | None:
    return db.session.scalars(select(Person).where(func.lower(Person.email) == email.strip().lower())).first()


def apply_details(person: Person, details: PersonDetails) -> list[str]:
    """Copy details onto a person; the names of the fields that changed (for the audit)."""
    changed = []
    for name in FIELDS:
        value = getattr(details, name)
        if name == "staff_type":
            value = StaffType(value).value
        if name == "email":
            value = normalise_email(value)
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    return changed


def _check_email_free(email: str | None, person_id: uuid.UUID | None) -> None:
    if email is None:
        return
    other = person_by_email(email)
    if other is not None and other.id != person_id:
        raise PeopleError("Another person in the directory already has this email address", "email")


def add_person(actor: Actor | None, details: PersonDetails, *, commit: bool = True) -> Person:
    _check_email_free(normalise_email(details.email), None)
    person = Person(school_id=require_school().id, full_name=details.full_name.strip())
    apply_details(person, details)
    db.session.add(person)
    db.session.flush()
    audit.record(
        "person.created", actor_user_id=actor.user_id if actor else None, object_type="person", object_id=person.id
    )
    if commit:
        db.session.commit()
    return person


def update_person(actor: Actor | None, person: Person, details: PersonDetails, *, commit: bool = True) -> list[str]:
    _check_email_free(normalise_email(details.email), person.id)
    if person.user is not None and normalise_email(details.email) != person.email:
        raise PeopleError("This person has an account: change their sign-in email from the account page", "email")
    changed = apply_details(person, details)
    if changed:
        audit.record(
            "person.changed",
            actor_user_id=actor.user_id if actor else None,
            object_type="person",
            object_id=person.id,
            fields=changed,
        )
    if commit:
        db.session.commit()
    return changed


def create_account(
    actor: Actor | None,
    person: Person,
    roles: Iterable[Role],
    password: str | None = None,
    *,
    commit: bool = True,
) -> User:
    """An account for a person already in the directory; they sign in with its email address."""
    if person.user is not None:
        raise PeopleError("This person already has an account")
    if not person.email:
        raise PeopleError("Add an email address to this person before creating an account")
    existing = db.session.scalars(select(User).where(func.lower(User.email) == person.email.lower())).first()
    if existing is not None:
        raise PeopleError("An account with this email address already exists")
    roles = sorted(set(roles))
    user = User(
        person=person,
        email=person.email,
        password_hash=hash_password(password) if password else None,
        role_grants=[RoleGrant(role=role.value) for role in roles],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "account.created",
        actor_user_id=actor.user_id if actor else None,
        object_type="user",
        object_id=user.id,
        roles=[r.value for r in roles],
    )
    if commit:
        db.session.commit()
    return user


@dataclass(frozen=True)
class PeoplePage:
    """One page of the directory, in name order."""

    people: list[Person]
    total: int
    page: int
    pages: int


def search_people(query: str = "", page: int = 1, per_page: int = PEOPLE_PER_PAGE) -> PeoplePage:
    """People whose name or email contains the query (any case), a page at a time."""
    condition = None
    query = query.strip()[:MAX_NAME_LENGTH]
    if query:
        condition = or_(
            Person.full_name.icontains(query, autoescape=True),
            Person.email.icontains(query, autoescape=True),
        )
    count = select(func.count()).select_from(Person)
    rows = select(Person).options(selectinload(Person.user).selectinload(User.role_grants))
    if condition is not None:
        count, rows = count.where(condition), rows.where(condition)
    total = db.session.scalar(count) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    people = list(
        db.session.scalars(
            rows.order_by(func.lower(Person.full_name), Person.id).offset((page - 1) * per_page).limit(per_page)
        )
    )
    return PeoplePage(people=people, total=total, page=page, pages=pages)


def _refuse_own_account(actor: Actor, user: User, message: str) -> None:
    if user.id == actor.user_id:
        raise PeopleError(message)


def check_may_change_roles(actor: Actor, user: User) -> None:
    _refuse_own_account(actor, user, "You cannot change your own roles. Ask another administrator to do it")


def check_may_deactivate(actor: Actor, user: User) -> None:
    _refuse_own_account(actor, user, "You cannot deactivate your own account. Ask another administrator to do it")
    # Switching off an office-holder's account would change who can act in that office alone.
    if offices.holds_any_office(user.person_id) or offices.awaiting_appointment(user.person_id):
        raise PeopleError(
            "This person holds an office, or is waiting to be appointed to one. End the office first: "
            "another office-holder must confirm that"
        )


def check_may_reset_two_factor(actor: Actor, user: User) -> None:
    _refuse_own_account(
        actor, user, "You cannot reset your own two-factor authentication. Ask another administrator to do it"
    )
    if not user.has_two_factor:
        raise PeopleError("This account does not have two-factor authentication set up")


def set_roles(actor: Actor, user: User, roles: Iterable[Role]) -> None:
    check_may_change_roles(actor, user)
    wanted = {role.value for role in roles}
    if not wanted:
        raise PeopleError("Select at least one role", "roles")
    current = {grant.role for grant in user.role_grants}
    if wanted == current:
        return
    user.role_grants = [grant for grant in user.role_grants if grant.role in wanted]
    user.role_grants += [RoleGrant(role=role) for role in sorted(wanted - current)]
    audit.record(
        "account.changed", actor_user_id=actor.user_id, object_type="user", object_id=user.id, fields=["roles"]
    )
    db.session.commit()


def deactivate_account(actor: Actor, user: User) -> None:
    """Switch an account off and end all its sessions at once."""
    check_may_deactivate(actor, user)
    user.is_active = False
    revoke_user_sessions(user.id)
    audit.record("account.deactivated", actor_user_id=actor.user_id, object_type="user", object_id=user.id)
    db.session.commit()


def reactivate_account(actor: Actor, user: User) -> None:
    user.is_active = True
    audit.record("account.reactivated", actor_user_id=actor.user_id, object_type="user", object_id=user.id)
    db.session.commit()


def reset_two_factor(actor: Actor, user: User) -> ConfirmationRequest:
    """Ask to clear an account's two-factor so its holder sets it up again at their next sign-in.

    Goes through the two-person rule: it waits for a second office-holder (the pending request is
    returned), whoever the account belongs to.
    """
    check_may_reset_two_factor(actor, user)
    try:
        return offices.request_change(
            actor, offices.NewRequest(kind=offices.RequestKind.RESET_TWO_FACTOR, target_person_id=user.person_id)
        )
    except offices.OfficeError as error:
        db.session.rollback()
        raise PeopleError(str(error)) from error


def create_account_and_invite(actor: Actor, person: Person, roles: Iterable[Role]) -> tuple[User, bool]:
    """An account with no password yet; its holder chooses one through an emailed link.

    Returns the account and whether the invitation email went (the account exists either way).
    """
    roles = list(roles)
    if not roles:
        raise PeopleError("Select at least one role", "roles")
    user = create_account(actor, person, roles, commit=False)
    token = _new_invitation(actor, user)
    db.session.commit()
    return user, _email_invitation(user, token)


def send_invitation(actor: Actor, user: User) -> bool:
    """A new invitation link (the old ones stop working); whether the email went."""
    if user.password_hash is not None:
        raise PeopleError("This person has already chosen a password")
    if not user.is_active:
        raise PeopleError("Reactivate this account before sending an invitation")
    token = _new_invitation(actor, user)
    db.session.commit()
    return _email_invitation(user, token)


def _new_invitation(actor: Actor, user: User) -> str:
    """A single-use set-password link, stored as a password-reset token (only its digest is kept)."""
    now = utcnow()
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=now + dt.timedelta(days=INVITATION_DAYS),
        )
    )
    audit.record("account.invitation_sent", actor_user_id=actor.user_id, object_type="user", object_id=user.id)
    return token


def _email_invitation(user: User, token: str) -> bool:
    """The email holds nothing but the link: no names, no school, no roles."""
    try:
        send_email(
            user.email,
            "Choose your Casetracker password",
            "An account has been made for you on Casetracker.\n\n"
            f"To choose your password, open this link within {INVITATION_DAYS} days. It works once:\n"
            f"{absolute_url(url_for('auth.reset_password', token=token))}\n\n"
            "If you were not expecting this email, you can ignore it.",
        )
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.error("invitation email for user %s not sent: %s", user.id, type(error).__name__)
        return False
    return True
