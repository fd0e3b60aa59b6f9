"""The typed chronology entries a case manager records, and what each one asks (DOMAIN.md 5 and 6).

Pure data: each entry type lists its fields; the web layer builds the form from the list and the
rules in `case_state` read the recorded values back. Every entry also has the date (and optional
time) the event happened and free text, which the form adds to every type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from casetracker.domain.guidance import Edition, Outcome


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    CHOICE = "choice"
    OPEN_ACTION = "open_action"  # one of the case's open actions, filled in by the web layer


YES_NO = (("yes", "Yes"), ("no", "No"))
YES_NO_NOT_SURE = (("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure"))
YES_NO_NOT_KNOWN = (("yes", "Yes"), ("no", "No"), ("not_known", "Not known"))
REMOVAL_CHOICES = (
    ("yes", "Yes, they were removed from regulated activity"),
    ("would_have_been", "They would have been removed, had they not left (or resigned)"),
    ("no", "No"),
)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    # One line under the label; for choices, a hint per choice value.
    hint: str = ""
    choice_hints: dict[str, str] = field(default_factory=dict)


class EntryType(StrEnum):
    # Recorded by the system
    REPORT_RECEIVED = "report_received"
    TRIAGE = "triage"
    ROUTING = "routing"
    REROUTING = "rerouting"
    ACCESS = "access"
    RECLASSIFICATION = "reclassification"
    PATTERN_DETECTED = "pattern_detected"
    # Recorded by the case manager
    CLASSIFICATION = "classification"
    BASIC_ENQUIRIES = "basic_enquiries"
    LADO_CONSULTATION = "lado_consultation"
    LADO_DECISION = "lado_decision"
    MEETING = "meeting"
    AGENCY_CONTACT = "agency_contact"
    SUSPENSION = "suspension"
    WRITTEN_CONFIRMATION = "written_confirmation"
    SUBJECT_INFORMED = "subject_informed"
    PARENTS_INFORMED = "parents_informed"
    SUBJECT_SUPPORT = "subject_support"
    STATEMENTS = "statements"
    DISCIPLINARY = "disciplinary"
    LOW_LEVEL_DECISION = "low_level_decision"
    PATTERN_REVIEW = "pattern_review"
    OUTCOME = "outcome"
    DBS_REFERRAL = "dbs_referral"
    TRA_REFERRAL = "tra_referral"
    EMPLOYER_INFORMED = "employer_informed"
    LEARNING_REVIEW = "learning_review"
    ACTION = "action"
    ACTION_DONE = "action_done"
    CLOSURE = "closure"
    PENSION_DATE = "pension_date"
    NOTE = "note"

    @property
    def label(self) -> str:
        return ENTRY_LABELS[self]


ENTRY_LABELS = {
    EntryType.REPORT_RECEIVED: "Report received",
    EntryType.TRIAGE: "Harm-threshold questions answered",
    EntryType.ROUTING: "Case manager decided",
    EntryType.REROUTING: "Case moved to another case manager",
    EntryType.ACCESS: "Access changed",
    EntryType.RECLASSIFICATION: "Reclassified",
    EntryType.PATTERN_DETECTED: "Possible pattern of concerns",
    EntryType.CLASSIFICATION: "Triage and classification",
    EntryType.BASIC_ENQUIRIES: "Basic enquiries",
    EntryType.LADO_CONSULTATION: "LADO consultation",
    EntryType.LADO_DECISION: "LADO decision",
    EntryType.MEETING: "Strategy discussion or allegations-management meeting",
    EntryType.AGENCY_CONTACT: "Police or children's social care contact",
    EntryType.SUSPENSION: "Suspension considered",
    EntryType.WRITTEN_CONFIRMATION: "Written confirmation of suspension sent",
    EntryType.SUBJECT_INFORMED: "Subject informed",
    EntryType.PARENTS_INFORMED: "Parents or carers informed",
    EntryType.SUBJECT_SUPPORT: "Support for the subject",
    EntryType.STATEMENTS: "Statements and interviews",
    EntryType.DISCIPLINARY: "Disciplinary",
    EntryType.LOW_LEVEL_DECISION: "Low-level concern decision",
    EntryType.PATTERN_REVIEW: "Pattern review",
    EntryType.OUTCOME: "Outcome",
    EntryType.DBS_REFERRAL: "DBS referral decision",
    EntryType.TRA_REFERRAL: "TRA referral decision",
    EntryType.EMPLOYER_INFORMED: "Employer or agency informed",
    EntryType.LEARNING_REVIEW: "Learning-lessons review",
    EntryType.ACTION: "Action agreed",
    EntryType.ACTION_DONE: "Action completed",
    EntryType.CLOSURE: "Case closed",
    EntryType.PENSION_DATE: "Normal pension age date recorded",
    EntryType.NOTE: "Note",
}

SYSTEM_ENTRY_TYPES = frozenset(
    {
        EntryType.REPORT_RECEIVED,
        EntryType.TRIAGE,
        EntryType.ROUTING,
        EntryType.REROUTING,
        EntryType.ACCESS,
        EntryType.RECLASSIFICATION,
        EntryType.PATTERN_DETECTED,
        EntryType.CLOSURE,  # recorded through the closure page, which checks the guards
    }
)

# What each kind of case may record, in the order the choice page lists them.
ALLEGATION_ENTRIES = (
    EntryType.CLASSIFICATION,
    EntryType.BASIC_ENQUIRIES,
    EntryType.LADO_CONSULTATION,
    EntryType.LADO_DECISION,
    EntryType.MEETING,
    EntryType.AGENCY_CONTACT,
    EntryType.SUSPENSION,
    EntryType.WRITTEN_CONFIRMATION,
    EntryType.SUBJECT_INFORMED,
    EntryType.PARENTS_INFORMED,
    EntryType.SUBJECT_SUPPORT,
    EntryType.STATEMENTS,
    EntryType.DISCIPLINARY,
    EntryType.OUTCOME,
    EntryType.DBS_REFERRAL,
    EntryType.TRA_REFERRAL,
    EntryType.EMPLOYER_INFORMED,
    EntryType.LEARNING_REVIEW,
    EntryType.ACTION,
    EntryType.ACTION_DONE,
    EntryType.PENSION_DATE,
    EntryType.NOTE,
)
LOW_LEVEL_ENTRIES = (
    EntryType.CLASSIFICATION,
    EntryType.BASIC_ENQUIRIES,
    EntryType.LOW_LEVEL_DECISION,
    EntryType.PATTERN_REVIEW,
    EntryType.LADO_CONSULTATION,
    EntryType.LADO_DECISION,
    EntryType.SUBJECT_SUPPORT,
    EntryType.EMPLOYER_INFORMED,
    EntryType.ACTION,
    EntryType.ACTION_DONE,
    EntryType.NOTE,
)
WHISTLEBLOWING_ENTRIES = (
    EntryType.CLASSIFICATION,
    EntryType.BASIC_ENQUIRIES,
    EntryType.LADO_CONSULTATION,
    EntryType.STATEMENTS,
    EntryType.AGENCY_CONTACT,
    EntryType.ACTION,
    EntryType.ACTION_DONE,
    EntryType.NOTE,
)


def entry_types_for(kind: str) -> tuple[EntryType, ...]:
    if kind == "allegation":
        return ALLEGATION_ENTRIES
    if kind in {"low_level_concern", "self_referral"}:
        return LOW_LEVEL_ENTRIES
    return WHISTLEBLOWING_ENTRIES


def _choices(mapping: dict[str, str] | dict[Outcome, str]) -> tuple[tuple[str, str], ...]:
    return tuple((str(key), value) for key, value in mapping.items())


# A chronology page asks for every entry's fields: build each (type, edition) once. The edition
# itself is kept beside them, so an edition made elsewhere under the same name is never confused.
_FIELDS: dict[tuple[EntryType, str], tuple[Edition, tuple[FieldSpec, ...]]] = {}


def entry_fields(entry_type: EntryType, edition: Edition) -> tuple[FieldSpec, ...]:
    """The fields one entry type asks, worded by the case's guidance edition."""
    known = _FIELDS.get((entry_type, edition.name))
    if known is not None and known[0] is edition:
        return known[1]
    fields = _build_entry_fields(entry_type, edition)
    _FIELDS[(entry_type, edition.name)] = (edition, fields)
    return fields


def _build_entry_fields(entry_type: EntryType, edition: Edition) -> tuple[FieldSpec, ...]:
    if entry_type is EntryType.CLASSIFICATION:
        return (
            FieldSpec(
                "harm_threshold",
                "Does what was reported meet the harm threshold?",
                FieldKind.CHOICE,
                required=True,
                choices=YES_NO_NOT_SURE,
                hint=f"The four harm-threshold tests ({edition.cite('harm_threshold')}). If yes or not sure, "
                "consult the LADO; reclassify the case if it is not yet an allegation.",
            ),
            FieldSpec(
                "criminal_offence",
                "Might the person have committed a criminal offence against or related to a child?",
                FieldKind.CHOICE,
                required=True,
                choices=YES_NO_NOT_SURE,
            ),
            FieldSpec(
                "subject_is_teacher",
                "Is the person a teacher (employed or engaged to carry out teaching work at the school)?",
                FieldKind.CHOICE,
                required=True,
                choices=YES_NO,
            ),
            FieldSpec(
                "child_is_pupil",
                "Is the child concerned a registered pupil at this school?",
                FieldKind.CHOICE,
                required=True,
                choices=YES_NO_NOT_KNOWN,
            ),
        )
    if entry_type is EntryType.LADO_CONSULTATION:
        return (
            FieldSpec(
                "how",
                "How was the LADO consulted?",
                FieldKind.CHOICE,
                required=True,
                choices=(
                    ("phone", "Phone"),
                    ("email", "Email"),
                    ("online_form", "Online form"),
                    ("meeting", "Meeting"),
                ),
            ),
            FieldSpec("lado_name", "LADO's name", required=True),
            FieldSpec("lado_authority", "Local authority", required=True),
            FieldSpec("lado_reference", "LADO reference", hint="Leave blank if the LADO has not given one yet."),
            FieldSpec("shared", "What was shared with the LADO", FieldKind.LONG_TEXT, required=True),
        )
    if entry_type is EntryType.LADO_DECISION:
        return (
            FieldSpec(
                "decision",
                "What did the LADO decide?",
                FieldKind.CHOICE,
                required=True,
                choices=_choices(edition.lado_decisions),
            ),
            FieldSpec("lado_reference", "LADO reference"),
            FieldSpec("police_reference", "Police reference"),
            FieldSpec("review_on", "Review date set by the LADO", FieldKind.DATE),
        )
    if entry_type is EntryType.MEETING:
        return (
            FieldSpec(
                "meeting_type",
                "Kind of meeting",
                FieldKind.CHOICE,
                required=True,
                choices=(
                    ("strategy_discussion", "Strategy discussion"),
                    ("allegations_management_meeting", "Allegations-management meeting"),
                ),
            ),
            FieldSpec("attendees", "Who attended", FieldKind.LONG_TEXT, required=True),
            FieldSpec(
                "actions_agreed",
                "Actions agreed",
                FieldKind.LONG_TEXT,
                hint="Record each action with a due date as an 'Action agreed' entry too, so it is tracked.",
            ),
            FieldSpec("police_reference", "Police reference"),
            FieldSpec("review_on", "Next review date", FieldKind.DATE),
        )
    if entry_type is EntryType.AGENCY_CONTACT:
        return (
            FieldSpec(
                "agency",
                "Who was contacted?",
                FieldKind.CHOICE,
                required=True,
                choices=(("police", "Police"), ("childrens_social_care", "Children's social care")),
            ),
            FieldSpec("contact_name", "Name of the person spoken to"),
            FieldSpec("reference", "Their reference"),
        )
    if entry_type is EntryType.SUSPENSION:
        reasons = tuple(
            FieldSpec(
                f"alternative_{key}",
                f"{label}: why was this rejected?",
                FieldKind.LONG_TEXT,
                hint="Required if the person is suspended. Leave blank if this alternative was adopted.",
            )
            for key, label in edition.suspension_alternatives.items()
        )
        return (
            FieldSpec(
                "decision",
                "What was decided?",
                FieldKind.CHOICE,
                required=True,
                choices=(
                    ("suspended", "The person is suspended"),
                    ("not_suspended", "The person is not suspended (an alternative is in place)"),
                ),
                hint=f"Suspension is never automatic: consider every alternative first ({edition.cite('suspension')}).",
            ),
            *reasons,
            FieldSpec("agreed_with_lado", "Was this agreed with the LADO?", FieldKind.CHOICE, True, YES_NO),
            FieldSpec(
                "named_contact",
                "Named contact for the person",
                hint="Someone at the school who keeps in touch with them and supports them while they are suspended.",
            ),
            FieldSpec("confirmation_sent_on", "Written confirmation sent on", FieldKind.DATE),
            FieldSpec("review_on", "Review date", FieldKind.DATE),
        )
    if entry_type is EntryType.WRITTEN_CONFIRMATION:
        return ()
    if entry_type is EntryType.SUBJECT_INFORMED:
        return (
            FieldSpec("told", "What they were told", FieldKind.LONG_TEXT, required=True),
            FieldSpec(
                "agreed_with_lado",
                "Did the LADO (and the police or children's social care, if involved) agree to this?",
                FieldKind.CHOICE,
                True,
                YES_NO,
            ),
        )
    if entry_type is EntryType.PARENTS_INFORMED:
        return (
            FieldSpec("told", "What they were told", FieldKind.LONG_TEXT, required=True),
            FieldSpec("agreed_by", "Agreed by", required=True, hint="For example, the LADO and the police."),
        )
    if entry_type is EntryType.LOW_LEVEL_DECISION:
        return (
            FieldSpec(
                "action",
                "What action will be taken?",
                FieldKind.CHOICE,
                required=True,
                choices=_choices(edition.low_level_actions),
            ),
            FieldSpec("rationale", "Why", FieldKind.LONG_TEXT, required=True, hint="The rationale for the decision."),
        )
    if entry_type is EntryType.PATTERN_REVIEW:
        return (
            FieldSpec(
                "harm_threshold",
                "Taken together, do the concerns now meet the harm threshold?",
                FieldKind.CHOICE,
                True,
                YES_NO_NOT_SURE,
            ),
            FieldSpec("consult_lado", "Will you consult the LADO?", FieldKind.CHOICE, True, YES_NO),
            FieldSpec("rationale", "Why", FieldKind.LONG_TEXT, required=True),
        )
    if entry_type is EntryType.OUTCOME:
        return (
            FieldSpec(
                "outcome",
                "Outcome",
                FieldKind.CHOICE,
                required=True,
                choices=tuple((o.value, o.value.capitalize()) for o in edition.outcome_definitions),
                hint=f"The definitions are from {edition.cite('outcomes')}.",
                choice_hints={o.value: text for o, text in edition.outcome_definitions.items()},
            ),
            FieldSpec(
                "removed_from_regulated_activity",
                "Was the person removed from regulated activity, or would they have been?",
                FieldKind.CHOICE,
                True,
                REMOVAL_CHOICES,
                hint="If so, a DBS referral decision is needed before the case can close.",
            ),
            FieldSpec(
                "personnel_record",
                "Personnel record",
                FieldKind.CHOICE,
                True,
                (
                    ("keep", "Keep the record on the confidential personnel file"),
                    ("remove", "Remove the record from the personnel file"),
                ),
                hint="A malicious allegation must be removed. For a false allegation, follow the school's setting.",
            ),
            FieldSpec(
                "in_references",
                "Will this be mentioned in references?",
                FieldKind.CHOICE,
                True,
                YES_NO,
                hint="Only a substantiated allegation may be included in references.",
            ),
            FieldSpec(
                "social_care_considered",
                "For a false, unfounded or malicious allegation: was a referral to children's social care "
                "considered, to see whether the child needs help or may have been abused by someone else?",
                FieldKind.CHOICE,
                choices=YES_NO,
            ),
        )
    if entry_type is EntryType.DBS_REFERRAL:
        return (
            FieldSpec(
                "harm_condition",
                "Has the person harmed a child, or posed a risk of harm to a child?",
                FieldKind.CHOICE,
                True,
                YES_NO,
            ),
            FieldSpec(
                "removal_condition",
                "Was the person removed from regulated activity, or would they have been had they not left?",
                FieldKind.CHOICE,
                True,
                REMOVAL_CHOICES,
            ),
            FieldSpec(
                "decision",
                "Decision",
                FieldKind.CHOICE,
                True,
                (("referred", "Referred to the DBS"), ("not_referred", "Not referred")),
                hint="When both conditions are met the school must refer: failing to refer is an offence "
                "(Safeguarding Vulnerable Groups Act 2006).",
            ),
            FieldSpec("referred_on", "Date referred", FieldKind.DATE),
        )
    if entry_type is EntryType.TRA_REFERRAL:
        return (
            FieldSpec(
                "decision",
                "Decision",
                FieldKind.CHOICE,
                True,
                (("referred", "Referred to the Teaching Regulation Agency"), ("not_referred", "Not referred")),
                hint="Consider a referral where a teacher may have committed serious misconduct.",
            ),
            FieldSpec("referred_on", "Date referred", FieldKind.DATE),
        )
    if entry_type is EntryType.EMPLOYER_INFORMED:
        return (FieldSpec("employer", "Employer or agency", required=True),)
    if entry_type is EntryType.LEARNING_REVIEW:
        return (
            FieldSpec("with_lado", "Was the review held with the LADO?", FieldKind.CHOICE, True, YES_NO),
            FieldSpec(
                "findings",
                "What was learned",
                FieldKind.LONG_TEXT,
                required=True,
                hint="Including, where there was a suspension: was it justified, was its length right, and could "
                "it have been avoided?",
            ),
        )
    if entry_type is EntryType.ACTION:
        return (
            FieldSpec("action", "Action", required=True),
            FieldSpec("owner", "Who will do it"),
            FieldSpec("due_on", "Due date", FieldKind.DATE, required=True),
        )
    if entry_type is EntryType.PENSION_DATE:
        return (
            FieldSpec(
                "pension_on",
                "The person's normal pension age date",
                FieldKind.DATE,
                required=True,
                hint="Only needed when their date of birth is not in the staff directory: allegations are kept "
                "until the later of this date and 10 years from the allegation.",
            ),
        )
    if entry_type is EntryType.ACTION_DONE:
        return (FieldSpec("action_id", "Which action is done?", FieldKind.OPEN_ACTION, required=True),)
    return ()


def text_label(entry_type: EntryType) -> tuple[str, bool]:
    """The free-text box's label for an entry type, and whether it must be filled in."""
    if entry_type in {
        EntryType.NOTE,
        EntryType.BASIC_ENQUIRIES,
        EntryType.STATEMENTS,
        EntryType.DISCIPLINARY,
        EntryType.SUBJECT_SUPPORT,
        EntryType.CLASSIFICATION,
    }:
        return "What happened", True
    return "Notes", False
