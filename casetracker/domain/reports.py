"""Kinds of report and the harm-threshold triage (DOMAIN.md section 2).

Triage asks the four harm-threshold questions of KCSIE Part four, Section one (para 356 in the
2024 and 2025 editions) with yes / no / not sure. Any *yes* or *not sure* — or a question left
unanswered — makes the report a potential allegation for the case manager to decide: it is never
silently a low-level concern.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class ReportKind(StrEnum):
    ALLEGATION = "allegation"
    LOW_LEVEL_CONCERN = "low_level_concern"
    SELF_REFERRAL = "self_referral"
    WHISTLEBLOWING = "whistleblowing"

    @property
    def label(self) -> str:
        """The statutory term, as GOV.UK-style pages show it."""
        return REPORT_KIND_LABELS[self]

    @property
    def hint(self) -> str:
        """One plain-language line for the radio button that chooses this kind."""
        return REPORT_KIND_HINTS[self]

    @property
    def is_low_level(self) -> bool:
        """Low-level concerns and self-referrals follow the school's low-level concern route."""
        return self in {ReportKind.LOW_LEVEL_CONCERN, ReportKind.SELF_REFERRAL}


REPORT_KIND_LABELS = {
    ReportKind.ALLEGATION: "Allegation that may meet the harm threshold",
    ReportKind.LOW_LEVEL_CONCERN: "Low-level concern",
    ReportKind.SELF_REFERRAL: "Self-referral",
    ReportKind.WHISTLEBLOWING: "Whistleblowing concern",
}

REPORT_KIND_HINTS = {
    ReportKind.ALLEGATION: (
        "Someone working in or for the school may have harmed a child, committed an offence against a child, "
        "or behaved in a way that suggests they may be a risk to children or unsuitable to work with them."
    ),
    ReportKind.LOW_LEVEL_CONCERN: (
        "Any concern, however small – even a 'nagging doubt' – that an adult has acted in a way that does not "
        "fit the staff code of conduct, inside or outside work."
    ),
    ReportKind.SELF_REFERRAL: (
        "You want to tell us about something you did, or a situation you were in, that could be misinterpreted."
    ),
    ReportKind.WHISTLEBLOWING: (
        "Wrongdoing it is in the public interest to report, such as danger to health and safety, a legal "
        "obligation not being met, or a cover-up. You can report anonymously."
    ),
}


class ThresholdAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"

    @property
    def label(self) -> str:
        return {ThresholdAnswer.YES: "Yes", ThresholdAnswer.NO: "No", ThresholdAnswer.NOT_SURE: "Not sure"}[self]

    @property
    def raises_concern(self) -> bool:
        """Yes and not sure both make the report a potential allegation."""
        return self is not ThresholdAnswer.NO


@dataclass(frozen=True)
class HarmThresholdQuestion:
    """One of the four harm-threshold questions, worded for the person reporting."""

    id: str
    statutory_wording: str
    text: str
    hint: str


# KCSIE paragraph citations change between editions: keep them as data keyed by edition.
HARM_THRESHOLD_PARAGRAPH = {"2024": 356, "2025": 356}


def harm_threshold_citation(edition: str) -> str:
    return f"Keeping children safe in education {edition}, Part four, paragraph {HARM_THRESHOLD_PARAGRAPH[edition]}"


# The four questions, in the statutory order. Hints draw on the staff code of conduct, section 5.
HARM_THRESHOLD_QUESTIONS: tuple[HarmThresholdQuestion, ...] = (
    HarmThresholdQuestion(
        id="harmed_a_child",
        statutory_wording="behaved in a way that has harmed a child, or may have harmed a child",
        text="Has the person harmed a child, or may they have harmed a child?",
        hint=(
            "Harm includes physical, emotional and sexual abuse, and neglect. "
            "Answer yes or not sure if a child was or may have been hurt, even if it may not have been deliberate."
        ),
    ),
    HarmThresholdQuestion(
        id="criminal_offence",
        statutory_wording="possibly committed a criminal offence against or related to a child",
        text="Might the person have committed a crime against a child, or a crime involving a child?",
        hint=(
            "For example, an adult in a position of trust who has a sexual relationship with anyone under 18 "
            "commits an offence, even if the young person agreed to it (section 16 of the Sexual Offences Act 2003)."
        ),
    ),
    HarmThresholdQuestion(
        id="risk_of_harm",
        statutory_wording=(
            "behaved towards a child or children in a way that indicates he or she may pose a risk of harm to children"
        ),
        text="Has the person behaved towards a child or children in a way that suggests they may be a risk to "
        "children?",
        hint=(
            "Think about what the behaviour might lead to, not only what happened. Being over-friendly, having "
            "favourites or taking photographs of children on a personal device are usually low-level concerns on "
            "their own: answer yes or not sure if the behaviour suggests the person may go on to harm a child."
        ),
    ),
    HarmThresholdQuestion(
        id="unsuitable_to_work_with_children",
        statutory_wording=(
            "behaved or may have behaved in a way that indicates they may not be suitable to work with children"
        ),
        text="Has the person behaved, or may they have behaved, in a way that suggests they may not be suitable "
        "to work with children?",
        hint=(
            "This includes behaviour outside school and outside work, in any setting, such as violence or sexual "
            "misconduct. Staff are in a position of trust in all contexts."
        ),
    ),
)

HARM_THRESHOLD_QUESTION_IDS = tuple(question.id for question in HARM_THRESHOLD_QUESTIONS)

NOT_SURE_HINT = "If you are not sure, choose 'Not sure'. The case manager will decide."


class UnknownQuestionError(ValueError):
    """An answer was given to a question that is not one of the four harm-threshold questions."""


@dataclass(frozen=True)
class TriageResult:
    is_potential_allegation: bool
    next_step: str
    # Every question's answer, a missing one recorded as not sure, in the statutory order.
    answers: tuple[tuple[str, ThresholdAnswer], ...]

    @property
    def flagged_question_ids(self) -> tuple[str, ...]:
        """The questions answered yes or not sure (or left unanswered), for the case manager to look at first."""
        return tuple(question_id for question_id, answer in self.answers if answer.raises_concern)


def triage(answers: Mapping[str, ThresholdAnswer], kind: ReportKind | None = None) -> TriageResult:
    """Whether the report is a potential allegation, judged on the answers, not on the reporter's label.

    A missing answer counts as not sure. `kind` (the reporter's choice) only shapes the sentence
    telling them what happens next.
    """
    unknown = set(answers) - set(HARM_THRESHOLD_QUESTION_IDS)
    if unknown:
        raise UnknownQuestionError(f"Not a harm-threshold question: {', '.join(sorted(unknown))}")
    complete = tuple(
        (question_id, answers.get(question_id, ThresholdAnswer.NOT_SURE)) for question_id in HARM_THRESHOLD_QUESTION_IDS
    )
    is_potential = any(answer.raises_concern for _, answer in complete)
    return TriageResult(
        is_potential_allegation=is_potential, next_step=_next_step(is_potential, kind), answers=complete
    )


def _next_step(is_potential_allegation: bool, kind: ReportKind | None) -> str:
    if is_potential_allegation:
        sentence = (
            "Because you answered yes or not sure to at least one question, your report will be treated as a "
            "possible allegation: the case manager will look at it straight away and decide whether to consult "
            "the local authority designated officer (LADO)."
        )
        if kind is ReportKind.WHISTLEBLOWING:
            sentence += " Your identity stays protected."
        return sentence
    return {
        None: "You answered no to every question, so your report will be treated as a low-level concern. "
        "The case manager will read it and decide what to do.",
        ReportKind.ALLEGATION: "You answered no to every question. The case manager will read your report and "
        "decide whether it is an allegation or a low-level concern.",
        ReportKind.LOW_LEVEL_CONCERN: "You answered no to every question, so your report will be treated as a "
        "low-level concern. The case manager will read it and decide what to do.",
        ReportKind.SELF_REFERRAL: "You answered no to every question, so your report will be treated as a "
        "self-referral. The case manager will read it and talk to you about it.",
        ReportKind.WHISTLEBLOWING: "You answered no to every question, so your report will be handled as a "
        "whistleblowing concern. The case manager will look into it and your identity stays protected.",
    }[kind]


class Wrongdoing(StrEnum):
    """The kinds of wrongdoing a whistleblowing concern may be about (staff code of conduct 5.3)."""

    HEALTH_AND_SAFETY = "health_and_safety"
    LEGAL_OBLIGATION = "legal_obligation"
    COVER_UP = "cover_up"
    OTHER = "other"

    @property
    def label(self) -> str:
        return WRONGDOING_LABELS[self]


WRONGDOING_LABELS = {
    Wrongdoing.HEALTH_AND_SAFETY: "Pupils' or staff's health and safety being put in danger",
    Wrongdoing.LEGAL_OBLIGATION: "Failure to meet a legal obligation or statutory requirement",
    Wrongdoing.COVER_UP: "An attempt to cover up wrongdoing",
    Wrongdoing.OTHER: "Other wrongdoing in the public interest",
}

WHISTLEBLOWING_WRONGDOING: tuple[Wrongdoing, ...] = tuple(Wrongdoing)
