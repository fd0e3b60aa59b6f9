"""The statutory guidance as versioned data: definitions, outcome lists, clock defaults, citations.

KCSIE changes every September. Each case stores the edition in force when it was opened and keeps
using it, so an old case is always judged, shown and exported by the words it was run under. To
add an edition, add an entry to EDITIONS and move CURRENT_EDITION; never edit a published one.

Citations: the harm threshold's paragraph number is given in DOMAIN.md (para 356 in the 2024 and
2025 editions). Where we have not verified a paragraph number we cite the section heading of
Part four instead of guessing a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    SUBSTANTIATED = "substantiated"
    MALICIOUS = "malicious"
    FALSE = "false"
    UNSUBSTANTIATED = "unsubstantiated"
    UNFOUNDED = "unfounded"


class LadoDecision(StrEnum):
    NO_FURTHER_ACTION = "no_further_action"
    LOW_LEVEL_CONCERN_OR_CONDUCT = "low_level_concern_or_conduct"
    INTERNAL_INVESTIGATION = "internal_investigation"
    POLICE_EVALUATION = "police_evaluation"
    SECTION_47_STRATEGY_DISCUSSION = "section_47_strategy_discussion"
    ALLEGATIONS_MANAGEMENT_MEETING = "allegations_management_meeting"


class LowLevelAction(StrEnum):
    NONE = "none"
    CONVERSATION = "conversation"
    GUIDANCE = "guidance"
    TRAINING = "training"
    DISCIPLINARY = "disciplinary"
    REFER_AS_ALLEGATION = "refer_as_allegation"


class SuspensionAlternative(StrEnum):
    REDEPLOY = "redeploy"
    ASSISTANT_PRESENT = "assistant_present"
    NO_UNSUPERVISED_ACCESS = "no_unsupervised_access"
    MOVE_THE_CHILD = "move_the_child"
    TEMPORARY_REDEPLOYMENT = "temporary_redeployment"


@dataclass(frozen=True)
class Edition:
    name: str
    harm_threshold_paragraph: int
    outcome_definitions: dict[Outcome, str]
    lado_decisions: dict[LadoDecision, str]
    low_level_actions: dict[LowLevelAction, str]
    suspension_alternatives: dict[SuspensionAlternative, str]
    # Topic -> where the guidance says it, shown beside the thing on screen and in exports.
    citations: dict[str, str]
    lado_clock_working_days: int = 1
    suspension_confirmation_working_days: int = 1
    pattern_window_months: int = 12

    def outcome_label(self, outcome: Outcome | str) -> str:
        return Outcome(outcome).value.capitalize()

    def cite(self, topic: str) -> str:
        return f"{self.name}, {self.citations[topic]}"


_OUTCOMES = {
    Outcome.SUBSTANTIATED: "There is sufficient evidence to prove the allegation.",
    Outcome.MALICIOUS: "There is sufficient evidence to disprove the allegation and there has been a deliberate act "
    "to deceive.",
    Outcome.FALSE: "There is sufficient evidence to disprove the allegation.",
    Outcome.UNSUBSTANTIATED: "There is insufficient evidence to either prove or disprove the allegation. The term, "
    "therefore, does not imply guilt or innocence.",
    Outcome.UNFOUNDED: "To reflect cases where there is no evidence or proper basis which supports the allegation "
    "being made.",
}

_LADO_DECISIONS = {
    LadoDecision.NO_FURTHER_ACTION: "No further action",
    LadoDecision.LOW_LEVEL_CONCERN_OR_CONDUCT: "Handle as a low-level concern or a conduct matter",
    LadoDecision.INTERNAL_INVESTIGATION: "Internal investigation by the school",
    LadoDecision.POLICE_EVALUATION: "Initial evaluation with the police",
    LadoDecision.SECTION_47_STRATEGY_DISCUSSION: "Section 47 strategy discussion",
    LadoDecision.ALLEGATIONS_MANAGEMENT_MEETING: "Allegations-management meeting",
}

_LOW_LEVEL_ACTIONS = {
    LowLevelAction.NONE: "No action",
    LowLevelAction.CONVERSATION: "A conversation with the person",
    LowLevelAction.GUIDANCE: "Guidance on the code of conduct",
    LowLevelAction.TRAINING: "Training",
    LowLevelAction.DISCIPLINARY: "Disciplinary procedure",
    LowLevelAction.REFER_AS_ALLEGATION: "Refer as an allegation (reclassify the case)",
}

_SUSPENSION_ALTERNATIVES = {
    SuspensionAlternative.REDEPLOY: "Redeployment within the school so the person has no direct contact with the "
    "child or children concerned",
    SuspensionAlternative.ASSISTANT_PRESENT: "Providing an assistant to be present when the person has contact "
    "with children",
    SuspensionAlternative.NO_UNSUPERVISED_ACCESS: "No unsupervised contact or access to children",
    SuspensionAlternative.MOVE_THE_CHILD: "Moving the child or children to classes where they will not come into "
    "contact with the person",
    SuspensionAlternative.TEMPORARY_REDEPLOYMENT: "Temporarily redeploying the person to another role in a "
    "different location",
}

_PART_FOUR = "Part four, Section one"

KCSIE_2024 = Edition(
    name="KCSIE 2024",
    harm_threshold_paragraph=356,
    outcome_definitions=_OUTCOMES,
    lado_decisions=_LADO_DECISIONS,
    low_level_actions=_LOW_LEVEL_ACTIONS,
    suspension_alternatives=_SUSPENSION_ALTERNATIVES,
    citations={
        "harm_threshold": "Part four, paragraph 356",
        "outcomes": f"{_PART_FOUR}, 'Definitions for outcomes of allegation investigations'",
        "lado": f"{_PART_FOUR}, 'Initial considerations'",
        "suspension": f"{_PART_FOUR}, 'Suspension and alternatives to suspension'",
        "information": f"{_PART_FOUR}, 'Information sharing'",
        "confidentiality": f"{_PART_FOUR}, 'Confidentiality and information sharing' (Education Act 2002, s141F)",
        "referrals": f"{_PART_FOUR}, 'Action on conclusion of a case' (DBS and TRA referrals)",
        "records": f"{_PART_FOUR}, 'Record keeping' and 'References'",
        "learning": f"{_PART_FOUR}, 'Learning lessons'",
        "low_level_concerns": "Part four, Section two: concerns that do not meet the harm threshold",
    },
)

KCSIE_2025 = Edition(
    name="KCSIE 2025",
    harm_threshold_paragraph=356,
    outcome_definitions=_OUTCOMES,
    lado_decisions=_LADO_DECISIONS,
    low_level_actions=_LOW_LEVEL_ACTIONS,
    suspension_alternatives=_SUSPENSION_ALTERNATIVES,
    citations=dict(KCSIE_2024.citations),
)

EDITIONS: dict[str, Edition] = {edition.name: edition for edition in (KCSIE_2024, KCSIE_2025)}
CURRENT_EDITION = KCSIE_2025.name


class UnknownEditionError(LookupError):
    """A case names an edition this version of the product does not know."""


def edition(name: str) -> Edition:
    try:
        return EDITIONS[name]
    except KeyError:
        raise UnknownEditionError(name) from None
