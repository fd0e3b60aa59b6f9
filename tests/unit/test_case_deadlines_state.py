"""The deadlines a case's chronology adds up to, and the s141F flag (DOMAIN.md section 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from casetracker.domain.case_state import CaseFacts, Deadline, Recorded, fold, s141f_suggested
from casetracker.domain.deadlines import LONDON
from casetracker.domain.entries import EntryType as T

ALLEGATION = CaseFacts(kind="allegation")
LADO_DUE = dt.datetime(2026, 11, 3, 23, 59, tzinfo=LONDON)
SUSPENDED = {"decision": "suspended", "alternative_redeploy": "No other site", "named_contact": "Deputy head"}
CONFIRMATION = "Send written confirmation of the suspension"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def rec(
    n: int,
    entry_type: T,
    values: Mapping[str, Any] | None = None,
    *,
    at: dt.datetime | None = None,
    supersedes: str | None = None,
) -> Recorded:
    """Entry e<n>, recorded n-th, on day n of November 2026 unless `at` says when."""
    return Recorded(
        id=f"e{n}",
        seq=n,
        type=entry_type.value,
        occurred_at=at or utc(2026, 11, n, 10, 0),
        values=dict(values or {}),
        supersedes=supersedes,
    )


def deadlines(
    entries: list[Recorded], facts: CaseFacts = ALLEGATION, bank_holidays: frozenset[dt.date] = frozenset()
) -> tuple[Deadline, ...]:
    return fold(entries, facts, bank_holidays).deadlines


def labelled(found: tuple[Deadline, ...], prefix: str) -> list[Deadline]:
    return [d for d in found if d.label.startswith(prefix)]


# --- The LADO clock ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "entries", "due"),
    [
        pytest.param(CaseFacts("allegation", lado_due_at=LADO_DUE), [], LADO_DUE, id="not-yet-consulted"),
        pytest.param(
            CaseFacts("allegation", lado_due_at=LADO_DUE),
            [rec(1, T.NOTE), rec(2, T.LADO_DECISION, {"decision": "internal_investigation"})],
            LADO_DUE,
            id="other-entries-do-not-stop-it",
        ),
        pytest.param(
            CaseFacts("allegation", lado_due_at=LADO_DUE),
            [rec(2, T.LADO_CONSULTATION, {"how": "phone"})],
            None,
            id="consulted",
        ),
        pytest.param(
            CaseFacts("allegation", lado_due_at=LADO_DUE),
            [
                rec(2, T.LADO_CONSULTATION, {"how": "phone"}),
                rec(3, T.LADO_CONSULTATION, {"how": "email"}, supersedes="e2"),
            ],
            None,
            id="consultation-corrected",
        ),
        pytest.param(
            CaseFacts("low_level_concern", potential_allegation=True, lado_due_at=LADO_DUE),
            [],
            LADO_DUE,
            id="potential-allegation-clock",
        ),
        pytest.param(CaseFacts("allegation"), [], None, id="clock-not-running"),
        pytest.param(CaseFacts("low_level_concern"), [], None, id="low-level-concern"),
    ],
)
def test_lado_deadline(facts: CaseFacts, entries: list[Recorded], due: dt.datetime | None) -> None:
    """The LADO is consulted within one working day; the deadline goes once the consultation is recorded."""
    found = labelled(deadlines(entries, facts), "Consult the LADO")
    assert [d.due_at for d in found] == ([due] if due else [])


# --- Written confirmation of a suspension ------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided_at", "bank_holidays", "due"),
    [
        pytest.param(utc(2026, 11, 27, 10, 0), (), london(2026, 11, 30, 23, 59), id="friday-to-monday"),
        pytest.param(utc(2026, 11, 25, 16, 0), (), london(2026, 11, 26, 23, 59), id="wednesday-to-thursday"),
        pytest.param(
            utc(2026, 12, 24, 11, 0),
            (dt.date(2026, 12, 25), dt.date(2026, 12, 28)),
            london(2026, 12, 29, 23, 59),
            id="christmas-eve-to-tuesday",
        ),
        pytest.param(utc(2026, 12, 24, 11, 0), (), london(2026, 12, 25, 23, 59), id="bank-holidays-are-passed-in"),
        pytest.param(utc(2026, 6, 30, 23, 30), (), london(2026, 7, 2, 23, 59), id="after-midnight-bst-is-the-next-day"),
    ],
)
def test_suspension_written_confirmation_due_one_working_day_after(
    decided_at: dt.datetime, bank_holidays: tuple[dt.date, ...], due: dt.datetime
) -> None:
    """Written confirmation within one working day of the decision, counted in Europe/London."""
    found = labelled(
        deadlines([rec(1, T.SUSPENSION, SUSPENDED, at=decided_at)], bank_holidays=frozenset(bank_holidays)),
        CONFIRMATION,
    )
    assert [(d.due_at, d.entry_id) for d in found] == [(due, "e1")]


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param([rec(1, T.SUSPENSION, {**SUSPENDED, "confirmation_sent_on": "2026-11-02"})], id="sent-on-set"),
        pytest.param([rec(1, T.SUSPENSION, SUSPENDED), rec(2, T.WRITTEN_CONFIRMATION)], id="later-confirmation"),
        pytest.param([rec(1, T.SUSPENSION, {"decision": "not_suspended"})], id="not-suspended"),
        pytest.param(
            [rec(1, T.SUSPENSION, SUSPENDED), rec(2, T.SUSPENSION, {"decision": "not_suspended"}, supersedes="e1")],
            id="corrected-to-not-suspended",
        ),
    ],
)
def test_no_confirmation_deadline_once_sent_or_not_suspended(entries: list[Recorded]) -> None:
    assert labelled(deadlines(entries), CONFIRMATION) == []


# --- Review dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "label", "pending"),
    [
        pytest.param(
            [rec(1, T.LADO_DECISION, {"decision": "internal_investigation", "review_on": "2026-11-20"})],
            "LADO review",
            True,
            id="lado-review-set",
        ),
        pytest.param(
            [
                rec(1, T.LADO_DECISION, {"decision": "internal_investigation", "review_on": "2026-11-20"}),
                rec(2, T.MEETING, {"meeting_type": "allegations_management_meeting"}, at=utc(2026, 11, 19, 10)),
            ],
            "LADO review",
            True,
            id="meeting-before-the-review-date",
        ),
        pytest.param(
            [
                rec(1, T.LADO_DECISION, {"decision": "internal_investigation", "review_on": "2026-11-20"}),
                rec(2, T.MEETING, {"meeting_type": "allegations_management_meeting"}, at=utc(2026, 11, 20, 10)),
            ],
            "LADO review",
            False,
            id="meeting-on-the-review-date",
        ),
        pytest.param(
            [
                rec(1, T.LADO_DECISION, {"decision": "internal_investigation", "review_on": "2026-11-20"}),
                rec(2, T.OUTCOME, {"outcome": "unsubstantiated"}, at=utc(2026, 11, 25, 10)),
            ],
            "LADO review",
            False,
            id="outcome-after-the-review-date",
        ),
        pytest.param(
            [
                rec(1, T.LADO_DECISION, {"decision": "internal_investigation", "review_on": "2026-11-20"}),
                rec(2, T.NOTE, at=utc(2026, 11, 25, 10)),
            ],
            "LADO review",
            True,
            id="a-note-is-not-a-review",
        ),
        pytest.param(
            [
                rec(1, T.MEETING, {"meeting_type": "strategy_discussion", "review_on": "2026-11-20"}),
                rec(2, T.SUSPENSION, {**SUSPENDED, "confirmation_sent_on": "2026-11-21"}, at=utc(2026, 11, 21, 10)),
            ],
            "Meeting review",
            False,
            id="suspension-after-meeting-review-date",
        ),
        pytest.param(
            [rec(1, T.MEETING, {"meeting_type": "strategy_discussion", "review_on": "2026-11-20"})],
            "Meeting review",
            True,
            id="meeting-review-set",
        ),
        pytest.param(
            [rec(1, T.SUSPENSION, {**SUSPENDED, "confirmation_sent_on": "2026-11-02", "review_on": "2026-11-20"})],
            "Suspension review",
            True,
            id="suspension-review-set",
        ),
        pytest.param(
            [
                rec(1, T.SUSPENSION, {**SUSPENDED, "confirmation_sent_on": "2026-11-02", "review_on": "2026-11-20"}),
                rec(2, T.LADO_DECISION, {"decision": "internal_investigation"}, at=utc(2026, 11, 20, 8)),
            ],
            "Suspension review",
            False,
            id="lado-decision-on-suspension-review-date",
        ),
    ],
)
def test_review_dates_stay_until_reviewed(entries: list[Recorded], label: str, pending: bool) -> None:
    """A review date set by the LADO, a meeting or a suspension stays until a review happens on or after it."""
    found = labelled(deadlines(entries), label)
    assert [(d.due_at, d.entry_id) for d in found] == ([(london(2026, 11, 20, 23, 59), "e1")] if pending else [])


def test_a_review_just_after_midnight_london_time_is_on_the_review_day() -> None:
    """23:30 UTC on 30 June is 00:30 on 1 July in London: the review happened on the day."""
    entries = [
        rec(1, T.LADO_DECISION, {"decision": "internal_investigation", "review_on": "2026-07-01"}, at=utc(2026, 6, 1)),
        rec(2, T.MEETING, {"meeting_type": "strategy_discussion"}, at=utc(2026, 6, 30, 23, 30)),
    ]
    assert labelled(deadlines(entries), "LADO review") == []


# --- Actions and ordering -----------------------------------------------------------------------------


def test_open_actions_are_deadlines_in_due_order() -> None:
    """What is due soonest comes first, whatever order it was agreed in; done actions drop off."""
    entries = [
        rec(1, T.ACTION, {"action": "Staff training", "due_on": "2026-12-10"}),
        rec(2, T.ACTION, {"action": "Risk assessment", "due_on": "2026-12-03"}),
        rec(3, T.ACTION, {"action": "Letter to parents", "due_on": "2026-12-05"}),
        rec(4, T.ACTION_DONE, {"action_id": "e3"}),
        rec(5, T.SUSPENSION, SUSPENDED, at=utc(2026, 12, 4, 10)),
    ]
    found = deadlines(entries, CaseFacts("allegation", lado_due_at=london(2026, 12, 1, 23, 59)))
    assert [(d.label, d.due_at, d.entry_id) for d in found] == [
        ("Consult the LADO", london(2026, 12, 1, 23, 59), None),
        ("Action: Risk assessment", london(2026, 12, 3, 23, 59), "e2"),
        (CONFIRMATION, london(2026, 12, 7, 23, 59), "e5"),
        ("Action: Staff training", london(2026, 12, 10, 23, 59), "e1"),
    ]


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        pytest.param(london(2026, 11, 30, 9, 0), False, id="same-day-morning"),
        pytest.param(london(2026, 11, 30, 23, 59), False, id="at-the-deadline"),
        pytest.param(london(2026, 12, 1, 0, 0), True, id="a-minute-after"),
        pytest.param(utc(2026, 12, 1, 0, 0), True, id="compared-across-time-zones"),
        pytest.param(utc(2026, 11, 30, 23, 58), False, id="utc-a-minute-before"),
    ],
)
def test_is_overdue(now: dt.datetime, overdue: bool) -> None:
    deadline = Deadline("Action: Risk assessment", london(2026, 11, 30, 23, 59), "e1")
    assert deadline.is_overdue(now) is overdue


# --- s141F ----------------------------------------------------------------------------------------------


def classification(**answers: str) -> Recorded:
    values = {"harm_threshold": "yes", "criminal_offence": "yes", "subject_is_teacher": "yes", "child_is_pupil": "yes"}
    values.update(answers)
    return rec(1, T.CLASSIFICATION, values)


@pytest.mark.parametrize(
    ("entries", "reporter_said_offence", "suggested"),
    [
        pytest.param([classification()], False, True, id="teacher-pupil-offence"),
        pytest.param([classification(subject_is_teacher="no")], True, False, id="not-a-teacher"),
        pytest.param([classification(child_is_pupil="no")], True, False, id="not-a-pupil"),
        pytest.param([classification(child_is_pupil="not_known")], True, False, id="pupil-not-known"),
        pytest.param([classification(criminal_offence="no")], False, False, id="no-offence"),
        pytest.param([classification(criminal_offence="no")], True, False, id="case-manager-no-overrides-reporter"),
        pytest.param([classification(criminal_offence="not_sure")], True, True, id="not-sure-and-reporter-said-so"),
        pytest.param([classification(criminal_offence="not_sure")], False, False, id="not-sure-reporter-did-not"),
        pytest.param([], True, False, id="no-classification"),
        pytest.param(
            [
                classification(),
                rec(2, T.CLASSIFICATION, dict(classification(subject_is_teacher="no").values), supersedes="e1"),
            ],
            False,
            False,
            id="corrected-classification",
        ),
    ],
)
def test_s141f_suggested(entries: list[Recorded], reporter_said_offence: bool, suggested: bool) -> None:
    """A teacher accused by a pupil of the school of a criminal offence may not be identified (Education Act
    2002 s141F), so the case is flagged and exports warn."""
    facts = CaseFacts("allegation", reporter_said_criminal_offence=reporter_said_offence)
    assert s141f_suggested(fold(entries, facts, ()), facts) is suggested
