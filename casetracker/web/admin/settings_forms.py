"""Forms for the school's settings and term dates."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import Field, RadioField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from casetracker.domain.people import LadoClockUnit, LowLevelConcernRoute, SchoolType
from casetracker.domain.settings import LADO_CLOCK_UNIT_LABELS, LOW_LEVEL_CONCERN_ROUTE_LABELS
from casetracker.services.settings import SchoolSettings
from casetracker.web import fields
from casetracker.web.admin.offices_forms import EMAIL_PATTERN, MAX_EMAIL_LENGTH, CleanForm

PHONE_PATTERN = re.compile(r"^[0-9+()\- ]{6,30}$")


class WholeNumberField(StringField):
    """A whole number typed into a text box (GOV.UK asks for text inputs with inputmode numeric)."""

    def __init__(self, label: str, *, required: str, hint: str = "", **kwargs: Any) -> None:
        super().__init__(
            label, validators=[InputRequired(message=required)], widget=GovTextInput(), description=hint, **kwargs
        )

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        if validation_stopped or self.errors:
            return
        if not re.fullmatch(r"\d{1,6}", (self.data or "").strip()):
            raise ValidationError(f"{self.label.text} must be a whole number, like 5")

    @property
    def number(self) -> int:
        return int((self.data or "0").strip())


def _radios(label: str, choices: list[SelectChoice], required: str) -> RadioField:
    return RadioField(label, choices=choices, widget=GovRadioInput(), invalid_choice_message=required)


class SettingsForm(CleanForm):
    name = fields.text("School name", required="Enter the school's name", max_length=200)
    school_type = _radios(
        "Type of school",
        [SelectChoice(t.value, t.label) for t in SchoolType],
        "Select the type of school",
    )
    local_authority = fields.text("Local authority", max_length=200)
    lado_name = fields.text("LADO name or team", max_length=200, hint="The local authority designated officer")
    lado_phone = fields.text("LADO phone number", max_length=50)
    lado_email = fields.text("LADO email address", max_length=MAX_EMAIL_LENGTH)
    lado_clock_unit = _radios(
        "Count the time to consult the LADO in",
        [SelectChoice(u.value, LADO_CLOCK_UNIT_LABELS[u]) for u in LadoClockUnit],
        "Select working days or hours",
    )
    lado_clock_amount = WholeNumberField(
        "Time to consult the LADO",
        required="Enter the time to consult the LADO",
        hint="From 1 to 10 working days, or from 1 to 72 hours. Most local procedures say 1 working day",
    )
    low_level_concern_route = _radios(
        "Who manages low-level concerns?",
        [SelectChoice(r.value, LOW_LEVEL_CONCERN_ROUTE_LABELS[r]) for r in LowLevelConcernRoute],
        "Select who manages low-level concerns",
    )
    pattern_window_months = WholeNumberField(
        "Pattern window",
        required="Enter the pattern window",
        hint="How far back to look for a pattern of low-level concerns about the same person: 1 to 36 months",
    )
    remove_false_allegations = _radios(
        "When an allegation is found to be false, remove it from the person's personnel record?",
        [SelectChoice("no", "No, keep it on the confidential personnel record"), SelectChoice("yes", "Yes, remove it")],
        "Select whether false allegations are removed from personnel records",
    )
    low_level_years_after_leaving = WholeNumberField(
        "Keep low-level concerns for this many years after the person leaves",
        required="Enter how many years to keep low-level concerns after the person leaves",
        hint="From 0 to 50 years. Keeping children safe in education says at least until they leave",
    )
    whistleblowing_years_after_closure = WholeNumberField(
        "Keep whistleblowing concerns for this many years after they are closed",
        required="Enter how many years to keep whistleblowing concerns after they are closed",
        hint="From 0 to 50 years",
    )
    submit = fields.submit("Save settings")

    def validate_lado_phone(self, field: Field) -> None:
        value = (field.data or "").strip()
        if value and not PHONE_PATTERN.match(value):
            raise ValidationError("Enter a phone number, like 01632 960 001 or +44 808 157 0192")

    def validate_lado_email(self, field: Field) -> None:
        value = (field.data or "").strip()
        if len(value.lower()) > MAX_EMAIL_LENGTH:  # the lower case is stored, and can be longer ("İ")
            raise ValidationError(f"LADO email address must be {MAX_EMAIL_LENGTH} characters or fewer")
        if value and not EMAIL_PATTERN.match(value):
            raise ValidationError("Enter an email address in the correct format, like name@example.com")

    def fill(self, settings: SchoolSettings) -> None:
        for name in SchoolSettings.__dataclass_fields__:
            value = getattr(settings, name)
            if isinstance(value, bool):
                self[name].data = "yes" if value else "no"
            else:
                self[name].data = value.value if hasattr(value, "value") else str(value)

    def settings(self) -> SchoolSettings:
        def clean(field: Field) -> str:
            return str(field.data or "").strip()

        return SchoolSettings(
            name=clean(self.name),
            school_type=SchoolType(self.school_type.data),
            local_authority=clean(self.local_authority),
            lado_name=clean(self.lado_name),
            lado_phone=clean(self.lado_phone),
            lado_email=clean(self.lado_email).lower(),
            low_level_concern_route=LowLevelConcernRoute(self.low_level_concern_route.data),
            lado_clock_unit=LadoClockUnit(self.lado_clock_unit.data),
            lado_clock_amount=self.lado_clock_amount.number,
            pattern_window_months=self.pattern_window_months.number,
            remove_false_allegations=self.remove_false_allegations.data == "yes",
            low_level_years_after_leaving=self.low_level_years_after_leaving.number,
            whistleblowing_years_after_closure=self.whistleblowing_years_after_closure.number,
        )


class TermDateForm(CleanForm):
    name = fields.text(
        "Name of the term", required="Enter the name of the term", max_length=100, hint="For example, Autumn term 2026"
    )
    starts_on = fields.GovukDateField("Start date", required="Enter the start date", hint="For example, 2 9 2026")
    ends_on = fields.GovukDateField("End date", required="Enter the end date", hint="For example, 18 12 2026")
    submit = fields.submit("Add term")


class ActionForm(FlaskForm):
    """A form with only a button: it carries the CSRF token for a POST action."""

    submit = fields.submit("Continue")
