"""Insiders and the rules that keep them out (issue 16), as tables: who may learn a reporter's name,
who follows their own report, who produces a subject-access pack."""

from __future__ import annotations

import uuid

import pytest

from casetracker.domain.people import Office, Role
from casetracker.domain.policy import (
    Actor,
    CaseRelation,
    PackReading,
    can_follow_own_report,
    can_produce_subject_access,
    may_learn_reporter,
)

MANAGER = CaseRelation(is_case_manager=True)
COLLABORATOR = CaseRelation(is_collaborator=True)
SUBJECT = CaseRelation(is_subject=True)
IMPLICATED = CaseRelation(is_implicated=True)
NONE = CaseRelation()
IMPLICATED_MANAGER = CaseRelation(is_case_manager=True, is_implicated=True)


def actor(*offices: Office) -> Actor:
    return Actor(uuid.uuid4(), uuid.uuid4(), frozenset({Role.STAFF}), frozenset(offices))


@pytest.mark.parametrize(
    ("relation", "raised_as", "redacted", "expected"),
    [
        (MANAGER, "allegation", False, True),
        (MANAGER, "whistleblowing", False, True),  # the case manager knows who raised it
        (COLLABORATOR, "allegation", False, True),
        (COLLABORATOR, "whistleblowing", False, False),  # the discloser is protected
        (MANAGER, "allegation", True, False),  # a redacted copy never names them
        (MANAGER, "whistleblowing", True, False),
        (NONE, "allegation", False, False),  # nobody who cannot see the case
        (SUBJECT, "allegation", False, False),
        (IMPLICATED_MANAGER, "allegation", False, False),
    ],
)
def test_may_learn_reporter(relation: CaseRelation, raised_as: str, redacted: bool, expected: bool) -> None:
    assert may_learn_reporter(actor(), relation, raised_as=raised_as, redacted_copy=redacted) is expected


@pytest.mark.parametrize(
    ("relation", "expected"),
    [
        (NONE, True),  # a reporter, nothing more
        (SUBJECT, True),  # a self-referral: their own report
        (IMPLICATED, False),  # marked implicated: "Received" and nothing more
        (CaseRelation(is_subject=True, is_implicated=True), False),
    ],
)
def test_can_follow_own_report(relation: CaseRelation, expected: bool) -> None:
    assert can_follow_own_report(relation) is expected


DPO = Office.DATA_PROTECTION_OFFICER


@pytest.mark.parametrize(
    ("offices", "readings", "referred", "expected"),
    [
        # The officer produces a pack that reads no case (the directory entry alone)...
        ({DPO}, [], False, True),
        # ...and never one that reads a case, named in it or not: being referred tells them nothing.
        ({DPO}, [PackReading(NONE)], False, False),
        ({DPO}, [PackReading(NONE), PackReading(SUBJECT)], False, False),
        ({DPO}, [PackReading(IMPLICATED)], False, False),
        ({DPO}, [PackReading(NONE, reported_it=True)], False, False),
        # A referred pack: the headteacher, the chair, the vice-chair or the escalation contact,
        # if not named in it, and not kept from any of its cases by routing.
        ({Office.HEADTEACHER}, [PackReading(NONE)], True, True),
        ({Office.CHAIR}, [PackReading(MANAGER)], True, True),
        ({Office.VICE_CHAIR}, [PackReading(NONE)], True, True),
        ({Office.HEADTEACHER}, [PackReading(IMPLICATED)], True, False),
        ({Office.HEADTEACHER}, [PackReading(SUBJECT)], True, False),
        ({Office.CHAIR}, [PackReading(NONE, reported_it=True)], True, False),
        ({Office.HEADTEACHER}, [PackReading(NONE, kept_from=True)], True, False),  # conflicted, or covering
        # Nobody else, referred or not.
        ({Office.HEADTEACHER}, [PackReading(NONE)], False, False),
        ({Office.DSL}, [PackReading(NONE)], True, False),
        ({DPO}, [PackReading(NONE)], True, False),
        (set(), [PackReading(NONE)], True, False),
    ],
)
def test_can_produce_subject_access(
    offices: set[Office], readings: list[PackReading], referred: bool, expected: bool
) -> None:
    assert can_produce_subject_access(actor(*offices), readings, referred=referred) is expected
