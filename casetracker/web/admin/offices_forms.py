"""Forms for offices and office-holders' sign-in changes (two-person rule)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, SelectField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from casetracker.domain.people import Office, SchoolType
from casetracker.models import Person
from casetracker.services.offices import RequestKind
from casetracker.web import fields

SUBSTANTIVE = "substantive"
ACTING = "acting"
MAX_EMAIL_LENGTH = 320
# Deliberately loose: one @, something either side, a dot in the domain, no spaces.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CleanForm(FlaskForm):
    """A form whose text never carries NUL characters (PostgreSQL refuses to store them)."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            data = super().wrap_formdata(form, formdata)
            if data is None:
                return None
            return MultiDict(
                (key, value.replace("\x00", "") if isinstance(value, str) else value)
                for key, value in data.items(multi=True)
            )


def person_choices(directory: Iterable[Person]) -> list[SelectChoice]:
    """A select's options: a prompt, then everyone in the directory (job title to tell namesakes apart)."""
    choices = [SelectChoice("", "Choose a person")]
    for person in directory:
        label = f"{person.full_name} ({person.job_title})" if person.job_title else person.full_name
        choices.append(SelectChoice(str(person.id), label))
    return choices


def person_field(label: str, required: str, hint: str = "") -> SelectField:
    return SelectField(
        label,
        validators=[InputRequired(message=required)],
        widget=GovSelect(),
        description=hint,
        invalid_choice_message=required,
    )


def chosen_person_id(field: SelectField) -> uuid.UUID | None:
    try:
        return uuid.UUID(field.data or "")
    except ValueError:
        return None


class AppointForm(CleanForm):
    office = RadioField("Office", widget=GovRadioInput(), invalid_choice_message="Select an office")
    person = person_field("Person", "Select the person to appoint", "Only people with an account can hold an office")
    appointment = RadioField(
        "Type of appointment",
        choices=[
            SelectChoice(SUBSTANTIVE, "Substantive holder"),
            SelectChoice(ACTING, "Acting holder, covering an absence"),
        ],
        widget=GovRadioInput(),
        invalid_choice_message="Select whether they hold the office or are covering an absence",
    )
    submit = fields.submit("Appoint")

    def __init__(self, directory: Iterable[Person], school_type: SchoolType, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office.choices = [SelectChoice(office.value, office.label(school_type)) for office in Office]
        self.person.choices = person_choices(directory)

    @property
    def chosen_office(self) -> Office:
        return Office(self.office.data)

    @property
    def is_acting(self) -> bool:
        return self.appointment.data == ACTING


class CredentialChangeForm(CleanForm):
    kind = RadioField(
        "What needs to change?",
        choices=[
            SelectChoice(RequestKind.RESET_TWO_FACTOR.value, "Reset their two-factor authentication"),
            SelectChoice(RequestKind.CHANGE_EMAIL.value, "Change the email address they sign in with"),
        ],
        widget=GovRadioInput(),
        invalid_choice_message="Select what needs to change",
    )
    new_email = fields.text(
        "New email address",
        max_length=MAX_EMAIL_LENGTH,
        hint="Only if you are changing their email address",
    )
    submit = fields.submit("Continue")

    @property
    def chosen_kind(self) -> RequestKind:
        return RequestKind(self.kind.data)

    def validate_new_email(self, field: Any) -> None:
        if self.kind.data != RequestKind.CHANGE_EMAIL.value:
            return
        value = (field.data or "").strip()
        if not value:
            raise ValidationError("Enter the new email address")
        if len(value.lower()) > MAX_EMAIL_LENGTH:  # the lower case is stored, and can be longer ("İ")
            raise ValidationError(f"New email address must be {MAX_EMAIL_LENGTH} characters or fewer")
        if not EMAIL_PATTERN.match(value):
            raise ValidationError("Enter an email address in the correct format, like name@example.com")


class ActionForm(FlaskForm):
    """A form with only a button: it carries the CSRF token for a POST action."""

    submit = fields.submit("Continue")
