"""What must be decided before a case may close, what an entry may not say, and which way a case may be
reclassified (DOMAIN.md sections 5, 6 and 7), as tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from casetracker.domain.case_state import (
    CaseFacts,
    Recorded,
    closure_blockers,
    entry_problems,
    fold,
    reclassification_problem,
)
from casetracker.domain.entries import EntryType as T

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
OUTCOMES = ("substantiated", "malicious", "false", "unsubstantiated", "unfounded")
DISPROVED = ("false", "unfounded", "malicious")
ALLEGATION = CaseFacts(kind="allegation")


def rec(n: int, entry_type: T, values: Mapping[str, Any] | None = None, *, supersedes: str | None = None) -> Recorded:
    """Entry e<n>, recorded n-th, on day n of the case."""
    return Recorded(
        id=f"e{n}",
        seq=n,
        type=entry_type.value,
        occurred_at=START + dt.timedelta(days=n),
        values=dict(values or {}),
        supersedes=supersedes,
    )


def outcome_values(outcome: str, **overrides: Any) -> dict[str, Any]:
    """An outcome entry that is right for its outcome; overrides make it wrong."""
    values: dict[str, Any] = {
        "outcome": outcome,
        "removed_from_regulated_activity": "no",
        "personnel_record": "remove" if outcome == "malicious" else "keep",
        "in_references": "yes" if outcome == "substantiated" else "no",
    }
    if outcome in DISPROVED:
        values["social_care_considered"] = "yes"
    values.update(overrides)
    return values


LADO = {"how": "phone", "lado_name": "A LADO", "lado_authority": "Somewhere", "shared": "The report"}
LEARNING = {"with_lado": "yes", "findings": "Nothing to change"}
SUSPENDED = {
    "decision": "suspended",
    "alternative_redeploy": "No other site",
    "alternative_assistant_present": "No assistant free",
    "alternative_no_unsupervised_access": "Not enough while the police make enquiries",
    "alternative_move_the_child": "The child would lose their class",
    "alternative_temporary_redeployment": "No other role",
    "agreed_with_lado": "yes",
    "named_contact": "Deputy head",
}


def complete(outcome: str, **overrides: Any) -> list[Recorded]:
    """The fewest entries with which an allegation with this outcome may close."""
    return [
        rec(1, T.LADO_CONSULTATION, LADO),
        rec(2, T.OUTCOME, outcome_values(outcome, **overrides)),
        rec(3, T.LEARNING_REVIEW, LEARNING),
    ]


def blockers(entries: list[Recorded], facts: CaseFacts = ALLEGATION) -> list[str]:
    return closure_blockers(fold(entries, facts, bank_holidays=()), facts)


def assert_blocked_only_by(found: list[str], phrase: str | None) -> None:
    if phrase is None:
        assert found == []
    else:
        assert len(found) == 1, found
        assert phrase in found[0]


# --- Allegations ----------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_the_minimal_complete_allegation_closes(outcome: str) -> None:
    """LADO consulted, outcome recorded as the guidance requires, lessons learned: nothing is missing."""
    assert blockers(complete(outcome)) == []


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize(
    ("missing", "phrase"),
    [
        pytest.param(T.LADO_CONSULTATION, "Record the LADO consultation", id="no-lado-consultation"),
        pytest.param(T.OUTCOME, "Record the outcome", id="no-outcome"),
        pytest.param(T.LEARNING_REVIEW, "Record the learning-lessons review", id="no-learning-review"),
    ],
)
def test_each_missing_decision_blocks_closure_by_name(outcome: str, missing: T, phrase: str) -> None:
    """Every allegation is discussed with the LADO, concluded with an outcome, and reviewed for lessons."""
    entries = [e for e in complete(outcome) if e.type != missing.value]
    assert_blocked_only_by(blockers(entries), phrase)


def test_with_nothing_recorded_every_missing_decision_is_named() -> None:
    found = blockers([])
    assert len(found) == 3
    assert "LADO consultation" in found[0]
    assert "outcome" in found[1]
    assert "learning-lessons review" in found[2]


DBS_MISSING = "Record the DBS referral decision"
DBS_OFFENCE = "failing to refer is an offence"
TRA_MISSING = "Record the TRA referral decision"
SOCIAL_CARE = "children's social care"
TEACHER = {"harm_threshold": "yes", "criminal_offence": "no", "subject_is_teacher": "yes", "child_is_pupil": "yes"}
NOT_TEACHER = {**TEACHER, "subject_is_teacher": "no"}


def dbs(harm: str, removal: str, decision: str) -> Recorded:
    values = {"harm_condition": harm, "removal_condition": removal, "decision": decision}
    if decision == "referred":
        values["referred_on"] = "2026-11-20"
    return rec(10, T.DBS_REFERRAL, values)


@pytest.mark.parametrize(
    ("outcome", "overrides", "extra", "phrase"),
    [
        # DBS: a decision is needed whenever the person was, or would have been, removed from regulated activity.
        pytest.param("substantiated", {"removed_from_regulated_activity": "yes"}, [], DBS_MISSING, id="removed-no-dbs"),
        pytest.param(
            "substantiated",
            {"removed_from_regulated_activity": "would_have_been"},
            [],
            DBS_MISSING,
            id="would-have-been-removed-no-dbs",
        ),
        pytest.param(
            "unsubstantiated", {"removed_from_regulated_activity": "yes"}, [], DBS_MISSING, id="unsubstantiated-removed"
        ),
        pytest.param(
            "substantiated",
            {"removed_from_regulated_activity": "yes"},
            [dbs("yes", "yes", "referred")],
            None,
            id="removed-and-referred",
        ),
        pytest.param(
            "substantiated",
            {"removed_from_regulated_activity": "yes"},
            [dbs("no", "yes", "not_referred")],
            None,
            id="removed-no-harm-not-referred",
        ),
        # Both conditions met: the school must refer.
        pytest.param(
            "substantiated",
            {"removed_from_regulated_activity": "yes"},
            [dbs("yes", "yes", "not_referred")],
            DBS_OFFENCE,
            id="both-conditions-not-referred",
        ),
        pytest.param(
            "substantiated",
            {"removed_from_regulated_activity": "would_have_been"},
            [dbs("yes", "would_have_been", "not_referred")],
            DBS_OFFENCE,
            id="harm-and-would-have-been-removed-not-referred",
        ),
        pytest.param(
            "substantiated", {}, [dbs("yes", "no", "not_referred")], None, id="harm-but-not-removed-not-referred"
        ),
        # TRA: a substantiated allegation against a teacher.
        pytest.param(
            "substantiated", {}, [rec(10, T.CLASSIFICATION, TEACHER)], TRA_MISSING, id="teacher-substantiated-no-tra"
        ),
        pytest.param(
            "substantiated",
            {},
            [rec(10, T.CLASSIFICATION, TEACHER), rec(11, T.TRA_REFERRAL, {"decision": "not_referred"})],
            None,
            id="teacher-substantiated-tra-decided",
        ),
        pytest.param("substantiated", {}, [rec(10, T.CLASSIFICATION, NOT_TEACHER)], None, id="non-teacher-no-tra"),
        pytest.param("unsubstantiated", {}, [rec(10, T.CLASSIFICATION, TEACHER)], None, id="teacher-unsubstantiated"),
        # Children's social care for false, unfounded and malicious allegations.
        *(
            pytest.param(
                outcome, {"social_care_considered": answer}, [], SOCIAL_CARE, id=f"{outcome}-social-care-{label}"
            )
            for outcome in DISPROVED
            for answer, label in ((None, "missing"), ("no", "no"))
        ),
        pytest.param("unsubstantiated", {}, [], None, id="unsubstantiated-needs-no-social-care-answer"),
        pytest.param("substantiated", {}, [], None, id="substantiated-needs-no-social-care-answer"),
    ],
)
def test_decisions_each_outcome_requires(
    outcome: str, overrides: dict[str, Any], extra: list[Recorded], phrase: str | None
) -> None:
    """DBS (an offence not to refer), TRA for teachers and children's social care, per KCSIE Part four."""
    assert_blocked_only_by(blockers(complete(outcome, **overrides) + extra), phrase)


CONFIRMATION = "written confirmation of the suspension"


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize(
    ("extra", "phrase"),
    [
        pytest.param([rec(10, T.SUSPENSION, SUSPENDED)], CONFIRMATION, id="suspended-no-confirmation"),
        pytest.param(
            [rec(10, T.SUSPENSION, {**SUSPENDED, "confirmation_sent_on": "2026-11-13"})],
            None,
            id="suspended-confirmation-sent-on",
        ),
        pytest.param(
            [rec(10, T.SUSPENSION, SUSPENDED), rec(11, T.WRITTEN_CONFIRMATION)],
            None,
            id="suspended-then-written-confirmation",
        ),
        pytest.param(
            [rec(9, T.WRITTEN_CONFIRMATION), rec(10, T.SUSPENSION, SUSPENDED)],
            CONFIRMATION,
            id="confirmation-before-the-suspension-does-not-count",
        ),
        pytest.param(
            [rec(10, T.SUSPENSION, {"decision": "not_suspended", "agreed_with_lado": "yes"})],
            None,
            id="not-suspended",
        ),
        pytest.param(
            [rec(10, T.ACTION, {"action": "Update the risk assessment", "due_on": "2026-11-30"})],
            "Complete the 1 open action",
            id="one-open-action",
        ),
        pytest.param(
            [
                rec(10, T.ACTION, {"action": "Update the risk assessment", "due_on": "2026-11-30"}),
                rec(11, T.ACTION, {"action": "Staff training", "due_on": "2026-12-30"}),
            ],
            "Complete the 2 open actions",
            id="two-open-actions",
        ),
        pytest.param(
            [
                rec(10, T.ACTION, {"action": "Update the risk assessment", "due_on": "2026-11-30"}),
                rec(11, T.ACTION_DONE, {"action_id": "e10"}),
            ],
            None,
            id="action-done",
        ),
        pytest.param(
            [
                rec(10, T.ACTION, {"action": "Update the risk assessment", "due_on": "2026-11-30"}),
                rec(11, T.ACTION, {"action": "Staff training", "due_on": "2026-12-30"}),
                rec(12, T.ACTION_DONE, {"action_id": "e11"}),
            ],
            "Complete the 1 open action",
            id="the-other-action-done",
        ),
    ],
)
def test_suspension_confirmation_and_open_actions(outcome: str, extra: list[Recorded], phrase: str | None) -> None:
    """A suspension is confirmed in writing within a working day; agreed actions are done before closing."""
    assert_blocked_only_by(blockers(complete(outcome) + extra), phrase)


# --- Corrections -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "phrase"),
    [
        pytest.param(
            [
                *complete("false", social_care_considered=None),
                rec(4, T.OUTCOME, outcome_values("false"), supersedes="e2"),
            ],
            None,
            id="correction-adds-social-care-answer",
        ),
        pytest.param(
            [
                *complete("unsubstantiated"),
                rec(4, T.OUTCOME, outcome_values("false", social_care_considered=None), supersedes="e2"),
            ],
            SOCIAL_CARE,
            id="correction-changes-outcome-to-false",
        ),
        pytest.param(
            [
                *complete("substantiated", removed_from_regulated_activity="yes"),
                rec(4, T.OUTCOME, outcome_values("substantiated"), supersedes="e2"),
            ],
            None,
            id="correction-says-not-removed",
        ),
        pytest.param(
            [
                *complete("substantiated"),
                rec(
                    4,
                    T.OUTCOME,
                    outcome_values("substantiated", removed_from_regulated_activity="yes"),
                    supersedes="e2",
                ),
            ],
            DBS_MISSING,
            id="correction-says-removed",
        ),
        pytest.param(
            [
                *complete("unsubstantiated"),
                rec(4, T.LADO_CONSULTATION, {**LADO, "lado_reference": "L1"}, supersedes="e1"),
            ],
            None,
            id="corrected-lado-consultation-still-counts",
        ),
        pytest.param(
            [
                *complete("unsubstantiated"),
                rec(10, T.SUSPENSION, SUSPENDED),
                rec(11, T.SUSPENSION, {"decision": "not_suspended", "agreed_with_lado": "yes"}, supersedes="e10"),
            ],
            None,
            id="suspension-corrected-to-not-suspended",
        ),
        pytest.param(
            [
                *complete("unsubstantiated"),
                rec(10, T.ACTION, {"action": "Risk assessment", "due_on": "2026-11-30"}),
                rec(11, T.ACTION_DONE, {"action_id": "e10"}),
                rec(12, T.ACTION_DONE, {"action_id": "e99"}, supersedes="e11"),
            ],
            "Complete the 1 open action",
            id="superseded-action-done-no-longer-completes",
        ),
    ],
)
def test_a_superseded_entry_does_not_count(entries: list[Recorded], phrase: str | None) -> None:
    """Entries are never edited: a correction supersedes, and the correction's values are the record."""
    assert_blocked_only_by(blockers(entries), phrase)


def test_correcting_a_confirmed_suspension_does_not_ask_for_a_new_confirmation() -> None:
    """The letter confirmed the decision; fixing a detail of the record does not un-send it."""
    entries = [
        *complete("unsubstantiated"),
        rec(10, T.SUSPENSION, SUSPENDED),
        rec(11, T.WRITTEN_CONFIRMATION),
        rec(12, T.SUSPENSION, {**SUSPENDED, "named_contact": "Assistant head"}, supersedes="e10"),
    ]
    assert blockers(entries) == []


# --- Low-level concerns and potential allegations ------------------------------------------------------


DECIDED = {"action": "conversation", "rationale": "Spoke to them about the code of conduct"}
NO_HARM = {"harm_threshold": "no", "criminal_offence": "no", "subject_is_teacher": "no", "child_is_pupil": "yes"}
REVIEWED = {"harm_threshold": "no", "consult_lado": "no", "rationale": "Unrelated"}


@pytest.mark.parametrize("kind", ["low_level_concern", "self_referral"])
@pytest.mark.parametrize(
    ("entries", "phrase"),
    [
        pytest.param([], "Record the low-level concern decision", id="no-decision"),
        pytest.param([rec(1, T.LOW_LEVEL_DECISION, DECIDED)], None, id="decided"),
        pytest.param(
            [rec(1, T.LOW_LEVEL_DECISION, {"action": "refer_as_allegation", "rationale": "Serious"})],
            "reclassify the case as an allegation",
            id="refer-as-allegation",
        ),
        pytest.param(
            [rec(1, T.PATTERN_DETECTED), rec(2, T.LOW_LEVEL_DECISION, DECIDED)],
            "Record the pattern review",
            id="pattern-not-reviewed",
        ),
        pytest.param(
            [rec(1, T.PATTERN_DETECTED), rec(2, T.LOW_LEVEL_DECISION, DECIDED), rec(3, T.PATTERN_REVIEW, REVIEWED)],
            None,
            id="pattern-reviewed",
        ),
        pytest.param(
            [rec(1, T.PATTERN_REVIEW, REVIEWED), rec(2, T.PATTERN_DETECTED), rec(3, T.LOW_LEVEL_DECISION, DECIDED)],
            "Record the pattern review",
            id="review-before-a-new-pattern-does-not-count",
        ),
    ],
)
def test_low_level_concern_closure(kind: str, entries: list[Recorded], phrase: str | None) -> None:
    """A low-level concern records a decision and rationale; a pattern needs a recorded review (DOMAIN.md 6)."""
    assert_blocked_only_by(blockers(entries, CaseFacts(kind=kind)), phrase)


CLASSIFY = "Record your triage and classification"
RECLASSIFY = "reclassify the case as an allegation"


@pytest.mark.parametrize(
    ("facts", "entries", "phrase"),
    [
        pytest.param(CaseFacts("whistleblowing", potential_allegation=True), [], CLASSIFY, id="wb-unclassified"),
        *(
            pytest.param(
                CaseFacts("whistleblowing", potential_allegation=True),
                [rec(1, T.CLASSIFICATION, {**NO_HARM, "harm_threshold": answer})],
                RECLASSIFY,
                id=f"wb-harm-threshold-{answer}",
            )
            for answer in ("yes", "not_sure")
        ),
        pytest.param(
            CaseFacts("whistleblowing", potential_allegation=True),
            [rec(1, T.CLASSIFICATION, NO_HARM)],
            None,
            id="wb-harm-threshold-no",
        ),
        pytest.param(CaseFacts("whistleblowing"), [], None, id="wb-not-a-potential-allegation"),
        pytest.param(
            CaseFacts("low_level_concern", potential_allegation=True),
            [rec(1, T.LOW_LEVEL_DECISION, DECIDED)],
            CLASSIFY,
            id="llc-unclassified",
        ),
        *(
            pytest.param(
                CaseFacts("low_level_concern", potential_allegation=True),
                [
                    rec(1, T.CLASSIFICATION, {**NO_HARM, "harm_threshold": answer}),
                    rec(2, T.LOW_LEVEL_DECISION, DECIDED),
                ],
                RECLASSIFY,
                id=f"llc-harm-threshold-{answer}",
            )
            for answer in ("yes", "not_sure")
        ),
        pytest.param(
            CaseFacts("low_level_concern", potential_allegation=True),
            [rec(1, T.CLASSIFICATION, NO_HARM), rec(2, T.LOW_LEVEL_DECISION, DECIDED)],
            None,
            id="llc-harm-threshold-no",
        ),
        pytest.param(
            CaseFacts("whistleblowing", potential_allegation=True),
            [
                rec(1, T.CLASSIFICATION, {**NO_HARM, "harm_threshold": "not_sure"}),
                rec(2, T.CLASSIFICATION, NO_HARM, supersedes="e1"),
            ],
            None,
            id="wb-classification-corrected-to-no",
        ),
    ],
)
def test_a_potential_allegation_is_never_silently_closed(
    facts: CaseFacts, entries: list[Recorded], phrase: str | None
) -> None:
    """A yes or not sure to the harm threshold is for the case manager to decide, never closed quietly."""
    assert_blocked_only_by(blockers(entries, facts), phrase)


# --- What an entry may say --------------------------------------------------------------------------


OPEN_ACTION_STATE = fold(
    [
        rec(1, T.ACTION, {"action": "Risk assessment", "due_on": "2026-11-30"}),
        rec(2, T.ACTION, {"action": "Training", "due_on": "2026-11-30"}),
        rec(3, T.ACTION_DONE, {"action_id": "e2"}),
    ],
    ALLEGATION,
    bank_holidays=(),
)
EMPTY_STATE = fold([], ALLEGATION, bank_holidays=())


@pytest.mark.parametrize(
    ("entry_type", "values", "remove_false", "problems"),
    [
        # Suspension: every alternative rejected with a reason, and a named contact.
        pytest.param(T.SUSPENSION, SUSPENDED, False, set(), id="suspended-complete"),
        pytest.param(
            T.SUSPENSION,
            {**SUSPENDED, "alternative_assistant_present": None},
            False,
            {"alternative_assistant_present"},
            id="suspended-alternative-no-reason",
        ),
        pytest.param(
            T.SUSPENSION,
            {**SUSPENDED, "alternative_move_the_child": "   "},
            False,
            {"alternative_move_the_child"},
            id="suspended-alternative-blank-reason",
        ),
        pytest.param(
            T.SUSPENSION, {**SUSPENDED, "named_contact": None}, False, {"named_contact"}, id="suspended-no-contact"
        ),
        pytest.param(
            T.SUSPENSION,
            {"decision": "not_suspended", "alternative_redeploy": None, "named_contact": None},
            False,
            set(),
            id="not-suspended-needs-neither",
        ),
        # Personnel records.
        pytest.param(
            T.OUTCOME,
            outcome_values("malicious", personnel_record="keep"),
            False,
            {"personnel_record"},
            id="malicious-kept",
        ),
        pytest.param(T.OUTCOME, outcome_values("malicious"), True, set(), id="malicious-removed"),
        pytest.param(
            T.OUTCOME,
            outcome_values("false", personnel_record="keep"),
            True,
            {"personnel_record"},
            id="false-kept-school-removes",
        ),
        pytest.param(
            T.OUTCOME,
            outcome_values("false", personnel_record="remove"),
            True,
            set(),
            id="false-removed-school-removes",
        ),
        pytest.param(
            T.OUTCOME,
            outcome_values("false", personnel_record="remove"),
            False,
            {"personnel_record"},
            id="false-removed-school-keeps",
        ),
        pytest.param(
            T.OUTCOME, outcome_values("false", personnel_record="keep"), False, set(), id="false-kept-school-keeps"
        ),
        # References: only substantiated.
        *(
            pytest.param(
                T.OUTCOME,
                outcome_values(outcome, in_references="yes"),
                False,
                {"in_references"},
                id=f"{outcome}-in-references",
            )
            for outcome in OUTCOMES
            if outcome != "substantiated"
        ),
        pytest.param(T.OUTCOME, outcome_values("substantiated"), False, set(), id="substantiated-in-references"),
        # Children's social care considered.
        *(
            pytest.param(
                T.OUTCOME,
                outcome_values(outcome, social_care_considered=None),
                False,
                {"social_care_considered"},
                id=f"{outcome}-social-care-unanswered",
            )
            for outcome in DISPROVED
        ),
        pytest.param(
            T.OUTCOME,
            outcome_values("unfounded", social_care_considered="no"),
            False,
            set(),
            id="social-care-answered-no-is-an-answer",
        ),
        pytest.param(T.OUTCOME, outcome_values("unsubstantiated"), False, set(), id="unsubstantiated-no-social-care"),
        # DBS and TRA referrals have a date.
        pytest.param(
            T.DBS_REFERRAL,
            {"harm_condition": "yes", "removal_condition": "yes", "decision": "referred"},
            False,
            {"referred_on"},
            id="dbs-referred-no-date",
        ),
        pytest.param(
            T.DBS_REFERRAL,
            {"harm_condition": "yes", "removal_condition": "yes", "decision": "referred", "referred_on": "2026-11-20"},
            False,
            set(),
            id="dbs-referred-with-date",
        ),
        pytest.param(
            T.DBS_REFERRAL,
            {"harm_condition": "no", "removal_condition": "no", "decision": "not_referred"},
            False,
            set(),
            id="dbs-not-referred-no-date",
        ),
        pytest.param(T.TRA_REFERRAL, {"decision": "referred"}, False, {"referred_on"}, id="tra-referred-no-date"),
        pytest.param(
            T.TRA_REFERRAL,
            {"decision": "referred", "referred_on": "2026-11-20"},
            False,
            set(),
            id="tra-referred-with-date",
        ),
        pytest.param(T.TRA_REFERRAL, {"decision": "not_referred"}, False, set(), id="tra-not-referred-no-date"),
    ],
)
def test_entry_problems(entry_type: T, values: dict[str, Any], remove_false: bool, problems: set[str]) -> None:
    """What the guidance forbids an entry to say is refused before it reaches the chronology."""
    found = entry_problems(entry_type, values, remove_false_allegations=remove_false, state=EMPTY_STATE)
    assert set(found) == problems
    assert all(found.values())


@pytest.mark.parametrize(
    ("action_id", "ok"),
    [
        pytest.param("e1", True, id="open-action"),
        pytest.param("e2", False, id="already-done"),
        pytest.param("e3", False, id="not-an-action"),
        pytest.param("e99", False, id="no-such-entry"),
        pytest.param(None, False, id="none-chosen"),
    ],
)
def test_action_done_must_name_an_open_action(action_id: str | None, ok: bool) -> None:
    found = entry_problems(
        T.ACTION_DONE, {"action_id": action_id}, remove_false_allegations=False, state=OPEN_ACTION_STATE
    )
    assert (found == {}) is ok
    assert set(found) <= {"action_id"}


# --- Reclassification -----------------------------------------------------------------------------


def lado_decision(n: int, decision: str, supersedes: str | None = None) -> Recorded:
    return rec(n, T.LADO_DECISION, {"decision": decision}, supersedes=supersedes)


@pytest.mark.parametrize(
    ("from_kind", "to_kind", "entries", "allowed"),
    [
        pytest.param("low_level_concern", "allegation", [], True, id="llc-to-allegation"),
        pytest.param("self_referral", "allegation", [], True, id="self-referral-to-allegation"),
        pytest.param("whistleblowing", "allegation", [], True, id="whistleblowing-to-allegation"),
        pytest.param("allegation", "low_level_concern", [], False, id="allegation-to-llc-without-lado"),
        pytest.param(
            "allegation",
            "low_level_concern",
            [rec(1, T.LADO_CONSULTATION, LADO)],
            False,
            id="allegation-to-llc-consulted-no-decision",
        ),
        *(
            pytest.param(
                "allegation",
                "low_level_concern",
                [lado_decision(1, decision)],
                decision in {"low_level_concern_or_conduct", "no_further_action"},
                id=f"allegation-to-llc-lado-{decision}",
            )
            for decision in (
                "no_further_action",
                "low_level_concern_or_conduct",
                "internal_investigation",
                "police_evaluation",
                "section_47_strategy_discussion",
                "allegations_management_meeting",
            )
        ),
        pytest.param(
            "allegation",
            "low_level_concern",
            [lado_decision(1, "low_level_concern_or_conduct"), lado_decision(2, "police_evaluation")],
            False,
            id="allegation-to-llc-lado-changed-its-mind",
        ),
        pytest.param(
            "allegation",
            "low_level_concern",
            [lado_decision(1, "no_further_action"), lado_decision(2, "internal_investigation", supersedes="e1")],
            False,
            id="allegation-to-llc-lado-decision-corrected",
        ),
        pytest.param("allegation", "whistleblowing", [], False, id="allegation-to-whistleblowing"),
        pytest.param(
            "allegation",
            "self_referral",
            [lado_decision(1, "no_further_action")],
            False,
            id="allegation-to-self-referral",
        ),
        pytest.param("allegation", "allegation", [], False, id="allegation-to-itself"),
        pytest.param("low_level_concern", "whistleblowing", [], False, id="llc-to-whistleblowing"),
        pytest.param("low_level_concern", "self_referral", [], False, id="llc-to-self-referral"),
        pytest.param("whistleblowing", "low_level_concern", [], False, id="whistleblowing-to-llc"),
        pytest.param("self_referral", "low_level_concern", [], False, id="self-referral-to-llc"),
        pytest.param("not_a_kind", "allegation", [], False, id="unknown-kind"),
    ],
)
def test_reclassification(from_kind: str, to_kind: str, entries: list[Recorded], allowed: bool) -> None:
    """Low-level concern <-> allegation and whistleblowing -> allegation only; down from an allegation only
    on the LADO's advice (DOMAIN.md 2)."""
    problem = reclassification_problem(from_kind, to_kind, fold(entries, CaseFacts(from_kind), bank_holidays=()))
    if allowed:
        assert problem is None
    else:
        assert problem


@pytest.mark.parametrize(
    ("recorded_employer_informed", "phrase"),
    [(False, "Complete the 1 open action"), (True, None)],
    ids=["employer-not-yet-told", "employer-told"],
)
def test_telling_the_employer_completes_routings_inform_the_employer_action(
    recorded_employer_informed: bool, phrase: str | None
) -> None:
    """R9: supply, agency and contractor staff's employer must be told; recording it is the action done."""
    follow_up = {"action": "Inform their employer or agency", "due_on": None, "follow_up": "inform_employer"}
    entries = [rec(0, T.ACTION, follow_up), *complete("unsubstantiated")]
    if recorded_employer_informed:
        entries.append(rec(20, T.EMPLOYER_INFORMED, {"employer": "Fictional Supply Ltd"}))
    assert_blocked_only_by(blockers(entries), phrase)
