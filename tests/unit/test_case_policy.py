"""Who may see a case (DOMAIN.md section 4), as a table of role and relation."""

from __future__ import annotations

import uuid

import pytest

from casetracker.domain.people import Office, Role
from casetracker.domain.policy import Actor, CaseRelation, can_view_case

HEAD = Actor(uuid.uuid4(), uuid.uuid4(), frozenset({Role.STAFF}), frozenset({Office.HEADTEACHER}))
ADMIN = Actor(uuid.uuid4(), uuid.uuid4(), frozenset({Role.ADMINISTRATOR}))
GOVERNOR = Actor(uuid.uuid4(), uuid.uuid4(), frozenset({Role.GOVERNOR}))
DPO = Actor(uuid.uuid4(), uuid.uuid4(), frozenset({Role.STAFF}), frozenset({Office.DATA_PROTECTION_OFFICER}))


@pytest.mark.parametrize(
    ("actor", "relation", "allowed"),
    [
        (HEAD, CaseRelation(is_case_manager=True), True),
        (HEAD, CaseRelation(is_collaborator=True), True),
        (HEAD, CaseRelation(is_case_manager=True, is_subject=True), False),
        (HEAD, CaseRelation(is_case_manager=True, is_implicated=True), False),
        (HEAD, CaseRelation(is_collaborator=True, is_implicated=True), False),
        (HEAD, CaseRelation(), False),
        (ADMIN, CaseRelation(), False),
        (GOVERNOR, CaseRelation(), False),
        (DPO, CaseRelation(), False),
        (GOVERNOR, CaseRelation(is_case_manager=True), True),
    ],
)
def test_can_view_case(actor: Actor, relation: CaseRelation, allowed: bool) -> None:
    assert can_view_case(actor, relation) is allowed
