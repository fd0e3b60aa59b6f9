"""Who may confirm a change under the two-person rule, as a table."""

from __future__ import annotations

import uuid

import pytest

from casetracker.domain.people import Office, Role
from casetracker.domain.policy import Actor, TwoPersonRequest, can_confirm, is_administrator, is_office_holder

ME = uuid.uuid4()
MY_PERSON = uuid.uuid4()
SOMEONE = uuid.uuid4()
SOMEONE_ELSE = uuid.uuid4()


def actor(offices: set[Office], roles: set[Role]) -> Actor:
    return Actor(user_id=ME, person_id=MY_PERSON, roles=frozenset(roles), offices=frozenset(offices))


@pytest.mark.parametrize(
    ("offices", "roles", "requested_by", "target", "expected"),
    [
        # Any current holder of a safeguarding office, not involved, may confirm.
        ({Office.HEADTEACHER}, {Role.STAFF}, SOMEONE, SOMEONE_ELSE, True),
        ({Office.DSL}, {Role.STAFF}, SOMEONE, SOMEONE_ELSE, True),
        ({Office.CHAIR}, {Role.GOVERNOR}, SOMEONE, SOMEONE_ELSE, True),
        ({Office.VICE_CHAIR}, {Role.GOVERNOR}, SOMEONE, SOMEONE_ELSE, True),
        ({Office.ESCALATION_CONTACT}, {Role.STAFF}, SOMEONE, SOMEONE_ELSE, True),
        ({Office.DATA_PROTECTION_OFFICER}, {Role.STAFF}, SOMEONE, SOMEONE_ELSE, True),
        ({Office.DEPUTY_DSL, Office.DSL}, {Role.STAFF}, SOMEONE, SOMEONE_ELSE, True),
        # An administrator who also holds a safeguarding office may confirm someone else's request.
        ({Office.DSL}, {Role.STAFF, Role.ADMINISTRATOR}, SOMEONE, SOMEONE_ELSE, True),
        # Not the person who asked.
        ({Office.HEADTEACHER}, {Role.STAFF}, ME, SOMEONE_ELSE, False),
        ({Office.DSL}, {Role.STAFF, Role.ADMINISTRATOR}, ME, SOMEONE_ELSE, False),
        # Not the person the change is about.
        ({Office.CHAIR}, {Role.GOVERNOR}, SOMEONE, MY_PERSON, False),
        # Neither, when both.
        ({Office.HEADTEACHER}, {Role.STAFF, Role.ADMINISTRATOR}, ME, MY_PERSON, False),
        # A deputy DSL holds an office, but not a safeguarding one.
        ({Office.DEPUTY_DSL}, {Role.STAFF}, SOMEONE, SOMEONE_ELSE, False),
        # No office: not even the administrator.
        (set(), {Role.STAFF, Role.ADMINISTRATOR}, SOMEONE, SOMEONE_ELSE, False),
        (set(), {Role.STAFF}, SOMEONE, SOMEONE_ELSE, False),
    ],
)
def test_can_confirm(
    offices: set[Office], roles: set[Role], requested_by: uuid.UUID, target: uuid.UUID, expected: bool
) -> None:
    request = TwoPersonRequest(requested_by_user_id=requested_by, target_person_id=target)
    assert can_confirm(actor(offices, roles), request) is expected


@pytest.mark.parametrize(
    ("offices", "roles", "office_holder", "administrator"),
    [
        (set(), {Role.STAFF}, False, False),
        ({Office.DEPUTY_DSL}, {Role.STAFF}, True, False),
        ({Office.HEADTEACHER}, {Role.STAFF}, True, False),
        (set(), {Role.ADMINISTRATOR}, False, True),
        ({Office.CHAIR}, {Role.GOVERNOR, Role.ADMINISTRATOR}, True, True),
    ],
)
def test_office_holder_and_administrator(
    offices: set[Office], roles: set[Role], office_holder: bool, administrator: bool
) -> None:
    subject = actor(offices, roles)
    assert is_office_holder(subject) is office_holder
    assert is_administrator(subject) is administrator
    assert subject.needs_two_factor is (office_holder or administrator)
