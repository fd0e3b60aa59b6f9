"""Forms built from the domain's entry specifications: one builder, one template, every entry type."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from casetracker.clock import utcnow
from casetracker.dates import LONDON
from casetracker.domain.case_state import Recorded
from casetracker.domain.entries import EntryType, FieldKind, FieldSpec, entry_fields, text_label
from casetracker.domain.guidance import Edition
from casetracker.services.attachments import MAX_BYTES
from casetracker.web import fields

TIME_PATTERN = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


class EntryFormBase(FlaskForm):
    """The parts every entry has: when it happened, what happened, an optional file."""

    specs: tuple[FieldSpec, ...] = ()

    def occurred_at(self) -> dt.datetime:
        """When it happened. With no time given: now, for today (so a morning entry is never "in the
        future"); midday, for an earlier day."""
        day: dt.date = self.occurred_on.data  # type: ignore[attr-defined]
        given = parse_time(self.occurred_time.data or "")  # type: ignore[attr-defined]
        now = utcnow().astimezone(LONDON)
        if given is None and day == now.date():
            return now.replace(second=0, microsecond=0).astimezone(dt.UTC)
        hour, minute = given or (12, 0)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON).astimezone(dt.UTC)

    def validate_occurred_time(self, field: Any) -> None:
        if field.data and parse_time(field.data) is None:
            raise ValidationError("Enter a time like 2:30pm or 14:30")

    def values(self) -> dict[str, Any]:
        """The entry's own fields, as JSON-ready values (dates as ISO strings)."""
        found: dict[str, Any] = {}
        for spec in self.specs:
            data = self[spec.name].data
            if isinstance(data, dt.date):
                data = data.isoformat()
            if isinstance(data, str):
                data = data.strip()
            found[spec.name] = data or None
        return found

    def files(self) -> tuple[tuple[str, bytes], ...]:
        upload = self.attachment.data  # type: ignore[attr-defined]
        if upload is None or not getattr(upload, "filename", ""):
            return ()
        return ((upload.filename, upload.read()),)


def parse_time(text: str) -> tuple[int, int] | None:
    """'2:30pm', '14:30', '9am' -> (hour, minute); None if it is not a time."""
    match = TIME_PATTERN.match(text)
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def _field(spec: FieldSpec) -> Any:
    required = (
        f"Answer '{spec.label}'" if spec.kind is FieldKind.CHOICE else f"Enter {spec.label[0].lower()}{spec.label[1:]}"
    )
    if spec.kind is FieldKind.TEXT:
        return fields.text(spec.label, required=required if spec.required else None, hint=spec.hint)
    if spec.kind is FieldKind.LONG_TEXT:
        return fields.long_text(
            spec.label, required=required if spec.required else None, hint=spec.hint, max_length=20000
        )
    if spec.kind is FieldKind.DATE:
        return fields.GovukDateField(spec.label, required=required if spec.required else None, hint=spec.hint)
    validators = [InputRequired(message=required)] if spec.required else [Optional()]
    return RadioField(
        spec.label,
        choices=[SelectChoice(value, text) for value, text in spec.choices],
        validators=validators,
        widget=GovRadioInput(),
        description=spec.hint,
    )


def _with_actions(spec: FieldSpec, open_actions: Sequence[Recorded]) -> FieldSpec:
    """An open-action field is a choice among the case's open actions."""
    if spec.kind is not FieldKind.OPEN_ACTION:
        return spec
    choices = tuple((a.id, str(a.get("action") or "Action")) for a in open_actions)
    return FieldSpec(spec.name, spec.label, FieldKind.CHOICE, spec.required, choices)


def entry_form_class(
    entry_type: EntryType, edition: Edition, open_actions: Sequence[Recorded], *, correcting: bool
) -> type[EntryFormBase]:
    specs = [_with_actions(spec, open_actions) for spec in entry_fields(entry_type, edition)]
    attrs: dict[str, Any] = {
        "occurred_on": fields.GovukDateField("Date it happened", required="Enter the date it happened"),
        "occurred_time": fields.text(
            "Time it happened (optional)", max_length=10, hint="For example, 2:30pm or 14:30. Europe/London time."
        ),
    }
    for spec in specs:
        attrs[spec.name] = _field(spec)
    label, required = text_label(entry_type)
    attrs["text"] = fields.long_text(label, required=f"Enter {label.lower()}" if required else None, max_length=20000)
    attrs["attachment"] = FileField(
        "Attach a file (optional)",
        validators=[FileSize(max_size=MAX_BYTES, message="The selected file must be smaller than 10 MB")],
        widget=GovFileInput(),
        description="PDF, PNG, JPEG, Word document (DOCX) or plain text, up to 10 MB.",
    )
    if correcting:
        attrs["reason"] = fields.long_text(
            "Why are you correcting this entry?", required="Enter why this entry is being corrected", max_length=2000
        )
    attrs["submit"] = fields.submit("Save correction" if correcting else "Save entry")
    attrs["specs"] = tuple(specs)
    return type(f"{entry_type.value.title().replace('_', '')}Form", (EntryFormBase,), attrs)


def field_params(form: EntryFormBase) -> dict[str, dict[str, Any]]:
    """Extra GOV.UK parameters per field: radio hints per choice, legends sized as labels."""
    params: dict[str, dict[str, Any]] = {}
    for spec in form.specs:
        if spec.kind is FieldKind.CHOICE:
            chosen = form[spec.name].data
            params[spec.name] = {
                "fieldset": {"legend": {"text": spec.label, "classes": "govuk-fieldset__legend--s"}},
                "items": [
                    {
                        "value": value,
                        "text": text,
                        "checked": chosen == value,
                        **({"hint": {"text": spec.choice_hints[value]}} if value in spec.choice_hints else {}),
                    }
                    for value, text in spec.choices
                ],
            }
        elif spec.kind is FieldKind.DATE:
            params[spec.name] = {"fieldset": {"legend": {"text": spec.label, "classes": "govuk-fieldset__legend--s"}}}
        else:
            params[spec.name] = {"label": {"text": spec.label, "classes": "govuk-label--s"}}
    return params


def initial_data(entry: Recorded, text: str) -> dict[str, Any]:
    """A form's starting values from the entry being corrected."""
    local = entry.occurred_at.astimezone(LONDON)
    data: dict[str, Any] = {"occurred_on": local.date(), "occurred_time": local.strftime("%H:%M"), "text": text}
    for name, value in entry.values.items():
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            value = dt.date.fromisoformat(value)
        data[name] = value
    return data
