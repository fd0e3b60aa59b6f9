"""What a case's chronology adds up to: the LADO record, outcome, deadlines, flags and what blocks closure.

Pure: the chronology is the record; this folds its current entries (corrections replace what they
supersede) into the state the case page, the dashboard and the closure guard read. Bank holidays
are passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from casetracker.domain.deadlines import LONDON, end_of_day, written_confirmation_due
from casetracker.domain.entries import EntryType
from casetracker.domain.guidance import LadoDecision, LowLevelAction, Outcome, SuspensionAlternative

ALLEGATION = "allegation"
LOW_LEVEL_KINDS = frozenset({"low_level_concern", "self_referral"})
WHISTLEBLOWING = "whistleblowing"


@dataclass(frozen=True)
class Recorded:
    """One chronology entry as the rules see it."""

    id: str
    seq: int
    type: str
    occurred_at: dt.datetime
    values: Mapping[str, Any] = field(default_factory=dict)
    supersedes: str | None = None

    def get(self, name: str) -> Any:
        return self.values.get(name)


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need from the case beyond its chronology."""

    kind: str
    potential_allegation: bool = False
    lado_due_at: dt.datetime | None = None  # None when the LADO clock does not run
    reporter_said_criminal_offence: bool = False
    # From the case's guidance edition.
    confirmation_working_days: int = 1


@dataclass(frozen=True)
class Deadline:
    label: str
    due_at: dt.datetime
    entry_id: str | None = None

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.due_at < now


@dataclass(frozen=True)
class CaseState:
    current: tuple[Recorded, ...]
    # Superseded entry id -> the entry that corrects it.
    corrected_by: Mapping[str, Recorded]
    deadlines: tuple[Deadline, ...]
    open_actions: tuple[Recorded, ...]
    # Entry id -> the sequence number of the entry its correction chain began with: a correction
    # stands where the original stood, so "recorded after" compares originals.
    origin_seq: Mapping[str, int] = field(default_factory=dict)

    def position(self, entry: Recorded) -> int:
        return self.origin_seq.get(entry.id, entry.seq)

    @cached_property
    def _by_type(self) -> dict[str, tuple[Recorded, ...]]:
        """The current entries of each type, in order: a page asks for the latest of a type often."""
        found: dict[str, list[Recorded]] = {}
        for entry in self.current:
            found.setdefault(entry.type, []).append(entry)
        return {entry_type: tuple(entries) for entry_type, entries in found.items()}

    def latest(self, entry_type: EntryType) -> Recorded | None:
        entries = self._by_type.get(entry_type.value)
        return entries[-1] if entries else None

    def all_of(self, entry_type: EntryType) -> tuple[Recorded, ...]:
        return self._by_type.get(entry_type.value, ())

    @property
    def lado_consulted(self) -> Recorded | None:
        return self.latest(EntryType.LADO_CONSULTATION)

    @property
    def outcome(self) -> Outcome | None:
        entry = self.latest(EntryType.OUTCOME)
        return Outcome(entry.get("outcome")) if entry and entry.get("outcome") else None

    @property
    def is_suspended(self) -> bool:
        entry = self.latest(EntryType.SUSPENSION)
        return bool(entry and entry.get("decision") == "suspended")

    @property
    def lado_reference(self) -> str:
        for entry in reversed(self.current):
            if entry.type in {EntryType.LADO_CONSULTATION.value, EntryType.LADO_DECISION.value} and entry.get(
                "lado_reference"
            ):
                return str(entry.get("lado_reference"))
        return ""

    @property
    def police_reference(self) -> str:
        for entry in reversed(self.current):
            if entry.get("police_reference"):
                return str(entry.get("police_reference"))
        return ""

    @property
    def pattern_review_pending(self) -> bool:
        """A possible pattern was found and no pattern review has been recorded since."""
        detected = self.latest(EntryType.PATTERN_DETECTED)
        reviewed = self.latest(EntryType.PATTERN_REVIEW)
        return detected is not None and (reviewed is None or self.position(reviewed) < self.position(detected))


def fold(entries: Sequence[Recorded], facts: CaseFacts, bank_holidays: Container[dt.date]) -> CaseState:
    corrected_by = {entry.supersedes: entry for entry in entries if entry.supersedes}
    ordered = sorted(entries, key=lambda e: e.seq)
    by_id = {entry.id: entry for entry in ordered}
    origin_seq: dict[str, int] = {}
    for entry in ordered:  # an original always comes before its correction
        origin = by_id.get(entry.supersedes or "")
        origin_seq[entry.id] = origin_seq.get(origin.id, origin.seq) if origin else entry.seq
    current = tuple(entry for entry in ordered if entry.id not in corrected_by)
    # An action is done when a current "action done" names it, or names an earlier version of it.
    done_names = {str(entry.get("action_id")) for entry in current if entry.type == EntryType.ACTION_DONE.value}
    done = {e.id for e in ordered if e.id in done_names} | {
        e.id for e in current if any(origin_seq.get(d) == origin_seq[e.id] for d in done_names)
    }
    # Recording that the employer or agency was told completes routing's "inform the employer" action.
    if any(entry.type == EntryType.EMPLOYER_INFORMED.value for entry in current):
        done |= {e.id for e in current if e.get("follow_up") == "inform_employer"}
    open_actions = tuple(entry for entry in current if entry.type == EntryType.ACTION.value and entry.id not in done)
    state = CaseState(current, corrected_by, (), open_actions, origin_seq)
    return CaseState(
        current=current,
        corrected_by=corrected_by,
        deadlines=tuple(sorted(_deadlines(state, facts, bank_holidays), key=lambda d: d.due_at)),
        open_actions=open_actions,
        origin_seq=origin_seq,
    )


def _deadlines(state: CaseState, facts: CaseFacts, bank_holidays: Container[dt.date]) -> list[Deadline]:
    found: list[Deadline] = []
    if facts.lado_due_at is not None and state.lado_consulted is None:
        found.append(Deadline("Consult the LADO", facts.lado_due_at))
    suspension = state.latest(EntryType.SUSPENSION)
    if (
        suspension is not None
        and suspension.get("decision") == "suspended"
        and not suspension.get("confirmation_sent_on")
        and not any(
            state.position(e) > state.position(suspension) for e in state.all_of(EntryType.WRITTEN_CONFIRMATION)
        )
    ):
        found.append(
            Deadline(
                "Send written confirmation of the suspension",
                written_confirmation_due(suspension.occurred_at, bank_holidays, facts.confirmation_working_days),
                suspension.id,
            )
        )
    for entry_type, label in (
        (EntryType.LADO_DECISION, "LADO review"),
        (EntryType.MEETING, "Meeting review"),
        (EntryType.SUSPENSION, "Suspension review"),
    ):
        entry = state.latest(entry_type)
        review_on = _as_date(entry.get("review_on")) if entry else None
        if entry is None or review_on is None:
            continue
        reviewed = any(
            state.position(later) > state.position(entry)
            and later.type in _REVIEW_TYPES
            and later.occurred_at.astimezone(LONDON).date() >= review_on
            for later in state.current
        )
        if not reviewed:
            found.append(Deadline(label, end_of_day(review_on), entry.id))
    for action in state.open_actions:
        due_on = _as_date(action.get("due_on"))
        if due_on is not None:
            found.append(Deadline(f"Action: {action.get('action') or ''}", end_of_day(due_on), action.id))
    return found


_REVIEW_TYPES = frozenset(
    {EntryType.LADO_DECISION.value, EntryType.MEETING.value, EntryType.SUSPENSION.value, EntryType.OUTCOME.value}
)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- Flags -------------------------------------------------------------------------------------


def s141f_suggested(state: CaseState, facts: CaseFacts) -> bool:
    """Education Act 2002 s141F: a teacher accused by a pupil of the school of a criminal offence may
    not be identified in any publication. Suggested when the case manager's classification says the
    person is a teacher and the child a pupil here, and a criminal offence is possible (their answer
    or the reporter's)."""
    classification = state.latest(EntryType.CLASSIFICATION)
    if classification is None:
        return False
    offence = classification.get("criminal_offence") == "yes" or (
        classification.get("criminal_offence") != "no" and facts.reporter_said_criminal_offence
    )
    return (
        classification.get("subject_is_teacher") == "yes" and classification.get("child_is_pupil") == "yes" and offence
    )


def subject_is_teacher(state: CaseState) -> bool:
    classification = state.latest(EntryType.CLASSIFICATION)
    return bool(classification and classification.get("subject_is_teacher") == "yes")


# --- What an entry may say ---------------------------------------------------------------------


def entry_problems(
    entry_type: EntryType,
    values: Mapping[str, Any],
    *,
    remove_false_allegations: bool,
    state: CaseState,
    alternatives: Iterable[str] = tuple(SuspensionAlternative),
) -> dict[str, str]:
    """Field name -> why the values cannot be recorded, beyond each field's own checks.

    `alternatives`: the suspension alternatives of the case's guidance edition, each needing a reason.
    """
    problems: dict[str, str] = {}
    if entry_type is EntryType.SUSPENSION and values.get("decision") == "suspended":
        for alternative in alternatives:
            name = f"alternative_{alternative}"
            if not str(values.get(name) or "").strip():
                problems[name] = "Say why this alternative was rejected, or choose 'not suspended' if it is in place"
        if not str(values.get("named_contact") or "").strip():
            problems["named_contact"] = "Enter the named contact for the person while they are suspended"
    if entry_type is EntryType.OUTCOME:
        outcome = values.get("outcome")
        if outcome == Outcome.MALICIOUS and values.get("personnel_record") != "remove":
            problems["personnel_record"] = "A malicious allegation must be removed from the personnel record"
        if outcome == Outcome.FALSE:
            expected = "remove" if remove_false_allegations else "keep"
            if values.get("personnel_record") not in {None, expected}:
                problems["personnel_record"] = (
                    "The school's setting is to remove false allegations from personnel records"
                    if remove_false_allegations
                    else "The school's setting is to keep false allegations on the confidential personnel record"
                )
        if outcome and outcome != Outcome.SUBSTANTIATED and values.get("in_references") == "yes":
            problems["in_references"] = "Only a substantiated allegation may be mentioned in references"
        if outcome in {Outcome.FALSE, Outcome.UNFOUNDED, Outcome.MALICIOUS} and not values.get(
            "social_care_considered"
        ):
            problems["social_care_considered"] = "Say whether a referral to children's social care was considered"
    if entry_type is EntryType.ACTION_DONE and str(values.get("action_id")) not in {a.id for a in state.open_actions}:
        problems["action_id"] = "Choose one of the open actions"
    if entry_type is EntryType.DBS_REFERRAL and values.get("decision") == "referred" and not values.get("referred_on"):
        problems["referred_on"] = "Enter the date of the referral"
    if entry_type is EntryType.TRA_REFERRAL and values.get("decision") == "referred" and not values.get("referred_on"):
        problems["referred_on"] = "Enter the date of the referral"
    return problems


def dbs_referral_required(harm_condition: str | None, removal_condition: str | None) -> bool:
    """The two-condition test: harm (or risk of harm) and removal (or would-be removal) from regulated activity."""
    return harm_condition == "yes" and removal_condition in {"yes", "would_have_been"}


# --- Closure ---------------------------------------------------------------------------------


def closure_blockers(state: CaseState, facts: CaseFacts) -> list[str]:
    """Every decision still missing before the case may close, in the words the page shows."""
    blockers: list[str] = []
    if facts.kind == ALLEGATION:
        blockers += _allegation_blockers(state)
    elif facts.kind in LOW_LEVEL_KINDS:
        blockers += _low_level_blockers(state)
    if facts.kind != ALLEGATION and facts.potential_allegation:
        classification = state.latest(EntryType.CLASSIFICATION)
        if classification is None:
            blockers.append("Record your triage and classification: the report may be an allegation")
        elif classification.get("harm_threshold") in {"yes", "not_sure"}:
            blockers.append(
                "Your classification says the harm threshold may be met: reclassify the case as an allegation"
            )
    if state.pattern_review_pending:
        blockers.append("Record the pattern review")
    if state.open_actions:
        count = len(state.open_actions)
        blockers.append(f"Complete the {count} open action{'s' if count != 1 else ''}")
    return blockers


def _allegation_blockers(state: CaseState) -> list[str]:
    blockers = []
    if state.lado_consulted is None:
        blockers.append("Record the LADO consultation")
    if state.is_suspended and any(d.label.startswith("Send written confirmation") for d in _confirmation(state)):
        blockers.append("Record that written confirmation of the suspension was sent")
    outcome_entry = state.latest(EntryType.OUTCOME)
    if outcome_entry is None:
        blockers.append("Record the outcome")
        return blockers + ([] if state.latest(EntryType.LEARNING_REVIEW) else ["Record the learning-lessons review"])
    outcome = Outcome(outcome_entry.get("outcome"))
    dbs = state.latest(EntryType.DBS_REFERRAL)
    if outcome_entry.get("removed_from_regulated_activity") in {"yes", "would_have_been"} and dbs is None:
        blockers.append(
            "Record the DBS referral decision: the person was, or would have been, removed from regulated activity"
        )
    if (
        dbs is not None
        and dbs_referral_required(dbs.get("harm_condition"), dbs.get("removal_condition"))
        and dbs.get("decision") != "referred"
    ):
        blockers.append(
            "Both conditions of the DBS referral test are met: refer the person to the DBS "
            "(failing to refer is an offence)"
        )
    if outcome is Outcome.SUBSTANTIATED and subject_is_teacher(state) and state.latest(EntryType.TRA_REFERRAL) is None:
        blockers.append("Record the TRA referral decision: the person is a teacher")
    if (
        outcome in {Outcome.FALSE, Outcome.UNFOUNDED, Outcome.MALICIOUS}
        and outcome_entry.get("social_care_considered") != "yes"
    ):
        blockers.append("Consider a referral to children's social care, and record it on the outcome")
    if state.latest(EntryType.LEARNING_REVIEW) is None:
        blockers.append("Record the learning-lessons review")
    return blockers


def _confirmation(state: CaseState) -> list[Deadline]:
    # Whether a confirmation is outstanding does not depend on the calendar: any date will do.
    return [d for d in _deadlines(state, CaseFacts(kind=ALLEGATION), ()) if d.label.startswith("Send written")]


def _low_level_blockers(state: CaseState) -> list[str]:
    blockers = []
    decision = state.latest(EntryType.LOW_LEVEL_DECISION)
    if decision is None:
        blockers.append("Record the low-level concern decision, the action and your rationale")
    elif decision.get("action") == LowLevelAction.REFER_AS_ALLEGATION:
        blockers.append("You decided to refer this as an allegation: reclassify the case as an allegation")
    return blockers


# --- Reclassification --------------------------------------------------------------------------

RECLASSIFICATIONS: dict[str, frozenset[str]] = {
    "low_level_concern": frozenset({ALLEGATION}),
    "self_referral": frozenset({ALLEGATION}),
    ALLEGATION: frozenset({"low_level_concern"}),
    WHISTLEBLOWING: frozenset({ALLEGATION}),
}


def reclassification_problem(from_kind: str, to_kind: str, state: CaseState) -> str | None:
    """Why the case cannot become `to_kind`, or None when it can."""
    if to_kind not in RECLASSIFICATIONS.get(from_kind, frozenset()):
        return "This case cannot be reclassified that way"
    if from_kind == ALLEGATION:
        decision = state.latest(EntryType.LADO_DECISION)
        if decision is None or decision.get("decision") not in {
            LadoDecision.LOW_LEVEL_CONCERN_OR_CONDUCT,
            LadoDecision.NO_FURTHER_ACTION,
        }:
            return (
                "An allegation can only become a low-level concern on the LADO's advice: record the LADO's decision "
                "to handle it as a low-level concern (or to take no further action) first"
            )
    return None
