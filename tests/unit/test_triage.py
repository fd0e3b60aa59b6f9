"""The harm-threshold triage (DOMAIN.md section 2), as a table: any yes or not sure is a potential allegation."""

from __future__ import annotations

import pytest

from casetracker.domain.reports import (
    HARM_THRESHOLD_QUESTION_IDS,
    HARM_THRESHOLD_QUESTIONS,
    WHISTLEBLOWING_WRONGDOING,
    ReportKind,
    ThresholdAnswer,
    UnknownQuestionError,
    Wrongdoing,
    harm_threshold_citation,
    triage,
)

YES, NO, NOT_SURE = ThresholdAnswer.YES, ThresholdAnswer.NO, ThresholdAnswer.NOT_SURE
HARMED, OFFENCE, RISK, UNSUITABLE = HARM_THRESHOLD_QUESTION_IDS


def answered(*answers: ThresholdAnswer) -> dict[str, ThresholdAnswer]:
    return dict(zip(HARM_THRESHOLD_QUESTION_IDS, answers, strict=False))


@pytest.mark.parametrize(
    ("answers", "is_potential", "flagged"),
    [
        pytest.param(answered(NO, NO, NO, NO), False, (), id="all-no"),
        pytest.param(answered(YES, NO, NO, NO), True, (HARMED,), id="yes-harmed-a-child"),
        pytest.param(answered(NO, YES, NO, NO), True, (OFFENCE,), id="yes-criminal-offence"),
        pytest.param(answered(NO, NO, YES, NO), True, (RISK,), id="yes-risk-of-harm"),
        pytest.param(answered(NO, NO, NO, YES), True, (UNSUITABLE,), id="yes-unsuitable"),
        pytest.param(answered(NOT_SURE, NO, NO, NO), True, (HARMED,), id="not-sure-harmed-a-child"),
        pytest.param(answered(NO, NOT_SURE, NO, NO), True, (OFFENCE,), id="not-sure-criminal-offence"),
        pytest.param(answered(NO, NO, NOT_SURE, NO), True, (RISK,), id="not-sure-risk-of-harm"),
        pytest.param(answered(NO, NO, NO, NOT_SURE), True, (UNSUITABLE,), id="not-sure-unsuitable"),
        pytest.param(answered(YES, NOT_SURE, NO, YES), True, (HARMED, OFFENCE, UNSUITABLE), id="mixed"),
        pytest.param(answered(YES, YES, YES, YES), True, (HARMED, OFFENCE, RISK, UNSUITABLE), id="all-yes"),
        pytest.param(
            answered(NOT_SURE, NOT_SURE, NOT_SURE, NOT_SURE),
            True,
            (HARMED, OFFENCE, RISK, UNSUITABLE),
            id="all-not-sure",
        ),
        pytest.param(answered(NO, NO, NO), True, (UNSUITABLE,), id="missing-answer-counts-as-not-sure"),
        pytest.param({OFFENCE: NO, RISK: NO, UNSUITABLE: NO}, True, (HARMED,), id="first-answer-missing"),
        pytest.param({}, True, (HARMED, OFFENCE, RISK, UNSUITABLE), id="no-answers"),
    ],
)
def test_triage(answers: dict[str, ThresholdAnswer], is_potential: bool, flagged: tuple[str, ...]) -> None:
    result = triage(answers)
    assert result.is_potential_allegation is is_potential
    assert result.flagged_question_ids == flagged
    assert [question_id for question_id, _ in result.answers] == list(HARM_THRESHOLD_QUESTION_IDS)


def test_a_missing_answer_is_recorded_as_not_sure() -> None:
    assert dict(triage(answered(NO, NO, NO)).answers)[UNSUITABLE] is NOT_SURE


@pytest.mark.parametrize("kind", [None, *ReportKind], ids=str)
def test_never_silently_a_low_level_concern(kind: ReportKind | None) -> None:
    """Whatever label the reporter chose, a yes or not sure is a potential allegation and is told so."""
    for answers in (answered(NO, NO, YES, NO), answered(NO, NOT_SURE, NO, NO), answered(NO, NO)):
        result = triage(answers, kind)
        assert result.is_potential_allegation
        assert "possible allegation" in result.next_step
        assert "low-level concern" not in result.next_step


@pytest.mark.parametrize(
    ("kind", "next_step"),
    [
        pytest.param(
            None,
            "You answered no to every question, so your report will be treated as a low-level concern. "
            "The case manager will read it and decide what to do.",
            id="no-kind",
        ),
        pytest.param(
            ReportKind.LOW_LEVEL_CONCERN,
            "You answered no to every question, so your report will be treated as a low-level concern. "
            "The case manager will read it and decide what to do.",
            id="low-level-concern",
        ),
        pytest.param(
            ReportKind.ALLEGATION,
            "You answered no to every question. The case manager will read your report and decide whether it is "
            "an allegation or a low-level concern.",
            id="allegation-is-not-downgraded-silently",
        ),
        pytest.param(
            ReportKind.SELF_REFERRAL,
            "You answered no to every question, so your report will be treated as a self-referral. "
            "The case manager will read it and talk to you about it.",
            id="self-referral",
        ),
        pytest.param(
            ReportKind.WHISTLEBLOWING,
            "You answered no to every question, so your report will be handled as a whistleblowing concern. "
            "The case manager will look into it and your identity stays protected.",
            id="whistleblowing",
        ),
    ],
)
def test_next_step_when_all_answers_are_no(kind: ReportKind | None, next_step: str) -> None:
    assert triage(answered(NO, NO, NO, NO), kind).next_step == next_step


@pytest.mark.parametrize(
    ("kind", "next_step"),
    [
        pytest.param(
            ReportKind.LOW_LEVEL_CONCERN,
            "Because you answered yes or not sure to at least one question, your report will be treated as a "
            "possible allegation: the case manager will look at it straight away and decide whether to consult "
            "the local authority designated officer (LADO).",
            id="low-level-concern",
        ),
        pytest.param(
            ReportKind.WHISTLEBLOWING,
            "Because you answered yes or not sure to at least one question, your report will be treated as a "
            "possible allegation: the case manager will look at it straight away and decide whether to consult "
            "the local authority designated officer (LADO). Your identity stays protected.",
            id="whistleblowing-keeps-protection",
        ),
    ],
)
def test_next_step_for_a_potential_allegation(kind: ReportKind, next_step: str) -> None:
    assert triage(answered(YES, NO, NO, NO), kind).next_step == next_step


def test_an_answer_to_an_unknown_question_is_refused() -> None:
    with pytest.raises(UnknownQuestionError, match="harmed_a_chlid"):
        triage({"harmed_a_chlid": NO})


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (ReportKind.ALLEGATION, "Allegation that may meet the harm threshold"),
        (ReportKind.LOW_LEVEL_CONCERN, "Low-level concern"),
        (ReportKind.SELF_REFERRAL, "Self-referral"),
        (ReportKind.WHISTLEBLOWING, "Whistleblowing concern"),
    ],
    ids=str,
)
def test_report_kind_labels_use_the_statutory_terms(kind: ReportKind, label: str) -> None:
    assert kind.label == label
    assert kind.hint


@pytest.mark.parametrize(
    ("answer", "label", "raises_concern"),
    [(YES, "Yes", True), (NO, "No", False), (NOT_SURE, "Not sure", True)],
    ids=str,
)
def test_threshold_answers(answer: ThresholdAnswer, label: str, raises_concern: bool) -> None:
    assert answer.label == label
    assert answer.raises_concern is raises_concern


def test_the_four_harm_threshold_questions_in_statutory_order() -> None:
    assert HARM_THRESHOLD_QUESTION_IDS == (
        "harmed_a_child",
        "criminal_offence",
        "risk_of_harm",
        "unsuitable_to_work_with_children",
    )
    for question in HARM_THRESHOLD_QUESTIONS:
        assert question.text.endswith("?")
        assert question.hint and question.statutory_wording
    assert "outside school" in HARM_THRESHOLD_QUESTIONS[3].hint  # transferable risk includes conduct outside work
    assert harm_threshold_citation("2024") == "Keeping children safe in education 2024, Part four, paragraph 356"


def test_kinds_of_wrongdoing_for_whistleblowing() -> None:
    assert [wrongdoing.label for wrongdoing in WHISTLEBLOWING_WRONGDOING] == [
        "Pupils' or staff's health and safety being put in danger",
        "Failure to meet a legal obligation or statutory requirement",
        "An attempt to cover up wrongdoing",
        "Other wrongdoing in the public interest",
    ]
    assert WHISTLEBLOWING_WRONGDOING[-1] is Wrongdoing.OTHER
