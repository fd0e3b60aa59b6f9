"""The staff directory and user accounts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from casetracker import audit
from casetracker.domain.people import Role, StaffType
from casetracker.domain.policy import Actor
from casetracker.extensions import db
from casetracker.models import Person, RoleGrant, User
from casetracker.security.passwords import hash_password
from casetracker.security.sessions import revoke_user_sessions
from casetracker.services.school import require_school


class PeopleError(ValueError):
    """A change to the directory or accounts that cannot be made; the message says why."""


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
        raise PeopleError("Another person in the directory already has this email address")


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
        raise PeopleError("This person has an account: change their sign-in email from the account page")
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


def set_roles(actor: Actor, user: User, roles: Iterable[Role]) -> None:
    wanted = {role.value for role in roles}
    if user.id == actor.user_id and Role.ADMINISTRATOR.value not in wanted:
        raise PeopleError("You cannot remove your own administrator role")
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
    if user.id == actor.user_id:
        raise PeopleError("You cannot deactivate your own account")
    user.is_active = False
    revoke_user_sessions(user.id)
    audit.record("account.deactivated", actor_user_id=actor.user_id, object_type="user", object_id=user.id)
    db.session.commit()


def reactivate_account(actor: Actor, user: User) -> None:
    user.is_active = True
    audit.record("account.reactivated", actor_user_id=actor.user_id, object_type="user", object_id=user.id)
    db.session.commit()
