"""WTForms fields with GOV.UK widgets and messages in GOV.UK's words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, StopValidation


def text(
    label: str, *, required: str | None = None, max_length: int = 200, hint: str = "", **kwargs: Any
) -> StringField:
    validators: list[Any] = []
    if required:
        validators.append(InputRequired(message=required))
    validators.append(Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"))
    return StringField(label, validators=validators, widget=GovTextInput(), description=hint, **kwargs)


def long_text(label: str, *, required: str | None = None, max_length: int = 5000, hint: str = "") -> TextAreaField:
    validators: list[Any] = []
    if required:
        validators.append(InputRequired(message=required))
    validators.append(Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"))
    return TextAreaField(label, validators=validators, widget=GovTextArea(), description=hint)


def password(label: str, *, required: str, hint: str = "") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(message=required),
            Length(max=256, message=f"{label} must be 256 characters or fewer"),
        ],
        widget=GovPasswordInput(),
        description=hint,
    )


def submit(label: str) -> SubmitField:
    return SubmitField(label, widget=GovSubmitInput())


class ServiceDateInput(GovDateInput):
    """GOV.UK's date input, with a date the service fills in written as people write it.

    govuk-frontend-wtf pads a date it renders from the field's data ("02 04 2026"); GOV.UK's
    examples and our pages write 2 April 2026 as 2 4 2026. What a person typed is shown as typed.
    """

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        if field.raw_data is None and isinstance(field.data, dt.date) and "items" not in kwargs.get("params", {}):
            parts = (field.data.day, field.data.month, field.data.year)
            for item, part in zip(params["items"], parts, strict=True):
                item["value"] = str(part)
        return params


class GovukDateField(DateField):
    """A day/month/year date with GOV.UK's error messages.

    Works round govuk-frontend-wtf's date widget, which fails when a POST carries other than three
    values: the raw values are padded or trimmed to exactly three before anything reads them.
    """

    def __init__(self, label: str, *, required: str | None = None, hint: str = "", **kwargs: Any) -> None:
        super().__init__(label, widget=ServiceDateInput(), description=hint, **kwargs)
        self.required_message = required

    def process_formdata(self, valuelist: list[Any]) -> None:
        values = [str(v).strip() for v in valuelist[:3]]
        values += [""] * (3 - len(values))
        self.raw_data = values
        day, month, year = values
        if not any(values):
            self.data = None
            return
        name = self.label.text
        missing = [part for part, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise ValueError(f"{name} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
            raise ValueError(f"{name} must be a real date, like 27 3 2026")
        try:
            self.data = dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # a day or month too big for a C int
            self.data = None
            raise ValueError(f"{name} must be a real date") from None

    def pre_validate(self, form: Any) -> None:
        if self.data is None and not self.errors and self.required_message:
            raise StopValidation(self.required_message)

    def _value(self) -> str:
        return f"{self.data.day} {self.data.month} {self.data.year}" if self.data else ""


def error_summary(form: Any) -> dict[str, Any]:
    """The GOV.UK error summary for a form; date errors link to the day input, as GOV.UK asks."""
    errors = []
    for field in form:
        if not field.errors:
            continue
        anchor = f"{field.id}-day" if isinstance(field, GovukDateField) else field.id
        errors.append({"text": field.errors[0], "href": f"#{anchor}"})
    return {"titleText": "There is a problem", "errorList": errors}
