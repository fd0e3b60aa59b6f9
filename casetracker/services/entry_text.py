"""How a chronology entry reads, on the page and in exports: the question, then the answer in words."""

from __future__ import annotations

from typing import Any

from casetracker.dates import govuk_iso_date
from casetracker.domain.entries import EntryType, FieldKind, entry_fields
from casetracker.domain.guidance import Edition
from casetracker.domain.reports import ReportKind

SYSTEM_FIELD_LABELS = {
    "from_kind": "From",
    "to_kind": "To",
    "rationale": "Rationale",
    "action": "Action",
    "owner": "Who will do it",
    "due_on": "Due date",
}
HIDDEN_FIELDS = frozenset({"follow_up"})


_ENTRY_TYPES = {entry_type.value: entry_type for entry_type in EntryType}  # a lookup, not a raise, per entry


def entry_label(entry_type: str) -> str:
    known = _ENTRY_TYPES.get(entry_type)
    return known.label if known is not None else entry_type.replace("_", " ").capitalize()


# How an entry the reporter wrote (further information) is credited to a viewer who may not learn
# who the reporter is (domain.policy.may_learn_reporter).
THE_REPORTER = "the reporter"


def author_name(author: dict[str, Any], *, reporter_shown: bool) -> str:
    """Who recorded an entry, as this viewer may know it ("" for the service itself)."""
    if author.get("as") == "reporter" and not reporter_shown:
        return THE_REPORTER
    return str(author.get("name", ""))


def entry_rows(body: dict[str, Any], edition: Edition, action_names: dict[str, str]) -> list[tuple[str, str]]:
    """(question, answer) pairs for the entry's own fields, skipping those left blank."""
    values = body.get("fields") or {}
    entry_type = _ENTRY_TYPES.get(body.get("type", ""))
    specs = {spec.name: spec for spec in entry_fields(entry_type, edition)} if entry_type is not None else {}
    rows = []
    # The form's order first (stored JSON may come back in any order), then anything else.
    names = [name for name in specs if name in values] + [name for name in values if name not in specs]
    for name in names:
        value = values[name]
        if name in HIDDEN_FIELDS:
            continue
        if value in (None, "", []):
            continue
        spec = specs.get(name)
        if spec is None:
            label = SYSTEM_FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
            if name in {"from_kind", "to_kind"}:
                value = ReportKind(value).label
            rows.append((label, _date_or_text(value)))
            continue
        if spec.kind is FieldKind.CHOICE:
            value = dict(spec.choices).get(value, value)
        elif spec.kind is FieldKind.OPEN_ACTION:
            value = action_names.get(str(value), "An action")
        rows.append((spec.label, _date_or_text(value)))
    return rows


def _date_or_text(value: Any) -> str:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return govuk_iso_date(value)
    return str(value)
