"""Forms for raising a concern. Labels name the field plainly (error messages quote them)."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovCheckboxInput, GovRadioInput, GovTextArea
from wtforms import BooleanField, RadioField, SelectMultipleField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from casetracker.clock import london_today
from casetracker.domain.people import StaffType
from casetracker.domain.reports import HARM_THRESHOLD_QUESTIONS, ThresholdAnswer, Wrongdoing
from casetracker.web import fields

MAX_WHAT_HAPPENED = 10_000
MAX_LONG_TEXT = 5_000

# What the person reporting chooses; the kind of report follows from it and from triage.
COLLEAGUE = "colleague"
SELF = "self"
WHISTLEBLOWING = "whistleblowing"
CONCERN_LABELS = {
    COLLEAGUE: "A concern about another adult who works with children here",
    SELF: "A concern about myself (self-referral)",
    WHISTLEBLOWING: "Whistleblowing: wrongdoing in the school",
}
# Hints quote the staff code of conduct, section 5.
CONCERN_HINTS = {
    COLLEAGUE: (
        "Anyone working in or for the school, paid or unpaid. This includes allegations that they "
        "‘behaved in a way that has harmed a child, or may have harmed a child’ (code of conduct 5.1) "
        "and low-level concerns, which ‘may be as simple as causing a sense of unease or a “nagging doubt”’ "
        "(code of conduct 5.2)."
    ),
    SELF: (
        "‘We also encourage staff to self-refer if they find themselves in a situation that could be "
        "misinterpreted’ (code of conduct 5.2)."
    ),
    WHISTLEBLOWING: (
        "Wrongdoing that it is ‘in the public interest’ to report, such as ‘pupils’ or staff’s health and "
        "safety being put in danger’, failing to meet a legal obligation, or a cover-up (code of conduct 5.3)."
    ),
}
CONCERN_ITEMS = [{"hint": {"text": CONCERN_HINTS[value]}} for value in CONCERN_LABELS]

NOT_LISTED = "not_listed"
HEADTEACHER = "headteacher"
OTHER_RELATIONSHIP = "other"
RELATIONSHIP_LABELS = {
    StaffType.EMPLOYEE.value: "Employed by the school or trust",
    StaffType.SUPPLY.value: "Supply staff",
    StaffType.AGENCY.value: "Agency staff",
    StaffType.VOLUNTEER.value: "Volunteer",
    StaffType.CONTRACTOR.value: "Contractor",
    StaffType.GOVERNOR.value: "Governor or trustee",
    OTHER_RELATIONSHIP: "Someone else, for example a visitor or someone hiring the premises",
}

THRESHOLD_CHOICES = [SelectChoice(answer.value, answer.label) for answer in ThresholdAnswer]
THRESHOLD_MESSAGES = {
    "harmed_a_child": "Select whether the person has harmed a child, or may have harmed a child",
    "criminal_offence": "Select whether the person might have committed a crime against or involving a child",
    "risk_of_harm": "Select whether the person has behaved in a way that suggests they may be a risk to children",
    "unsuitable_to_work_with_children": (
        "Select whether the person has behaved in a way that suggests they may not be suitable to work with children"
    ),
}
WRONGDOING_CHOICES = [SelectChoice(w.value, w.label) for w in Wrongdoing]

TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _clean(value: Any) -> Any:
    """Trim, and drop NUL characters (PostgreSQL refuses them in text)."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _long_text(
    label: str, *, required: str | None = None, max_length: int = MAX_LONG_TEXT, hint: str = ""
) -> TextAreaField:
    """A textarea; a long one (the template passes its maxlength) counts characters as you type."""
    validators: list[Any] = []
    if required:
        validators.append(InputRequired(message=required))
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    widget = GovCharacterCount() if max_length > MAX_LONG_TEXT else GovTextArea()
    return TextAreaField(label, validators=validators, widget=widget, description=hint, filters=[_clean])


class ImmediateDangerForm(FlaskForm):
    immediate_danger = RadioField(
        "Is a child in immediate danger?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        widget=GovRadioInput(),
        invalid_choice_message="Select yes if a child is in immediate danger",
    )
    submit = fields.submit("Continue")


class ConcernKindForm(FlaskForm):
    concern = RadioField(
        "What do you want to tell us about?",
        choices=[SelectChoice(value, label) for value, label in CONCERN_LABELS.items()],
        widget=GovRadioInput(),
        invalid_choice_message="Select what you want to tell us about",
    )
    submit = fields.submit("Continue")


class SubjectForm(FlaskForm):
    """Who the concern is about: someone from the staff directory, or 'not listed' (described next)."""

    person = RadioField("Who is your concern about?", choices=[], validate_choice=False)
    submit = fields.submit("Continue")

    def validate_person(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Select the person, or select ‘The person is not listed’")


class DescribeSubjectForm(FlaskForm):
    """Someone who is not in the staff directory: a visitor, a contractor, someone hiring the premises."""

    name = fields.text("Their name", required="Enter their name", max_length=200, filters=[_clean])
    role = fields.text(
        "Their role or relationship to the school",
        required="Enter their role or relationship to the school",
        max_length=200,
        hint="For example, a visitor, a contractor, a sports coach or someone hiring the premises",
        filters=[_clean],
    )
    organisation = fields.text(
        "Their organisation",
        max_length=200,
        hint="The agency, company or group they work for or came with, if you know",
        filters=[_clean],
    )
    relationship = RadioField(
        "How do they work with the school?",
        choices=[SelectChoice(value, label) for value, label in RELATIONSHIP_LABELS.items()],
        widget=GovRadioInput(),
        invalid_choice_message="Select how they work with the school",
    )
    submit = fields.submit("Continue")

    def validate_name(self, field: Any) -> None:
        if not field.data:  # only spaces: InputRequired looks at what was sent, before trimming
            raise ValidationError("Enter their name")

    def validate_role(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Enter their role or relationship to the school")

    def description(self) -> dict[str, str]:
        return {
            "name": self.name.data or "",
            "role": self.role.data or "",
            "organisation": self.organisation.data or "",
            "relationship": self.relationship.data or "",
        }


class InvolvedForm(FlaskForm):
    """Who is involved in the wrongdoing: zero or more people, and perhaps the headteacher."""

    involved = SelectMultipleField("Who is involved?", choices=[], validate_choice=False)
    submit = fields.submit("Continue")


class ThresholdForm(FlaskForm):
    submit = fields.submit("Continue")


for _question in HARM_THRESHOLD_QUESTIONS:
    setattr(
        ThresholdForm,
        _question.id,
        RadioField(
            _question.text,
            choices=THRESHOLD_CHOICES,
            widget=GovRadioInput(),
            description=_question.hint,
            invalid_choice_message=THRESHOLD_MESSAGES[_question.id],
        ),
    )


class DetailsForm(FlaskForm):
    # Fields in the order the page shows them, so the error summary follows the page.
    wrongdoing = RadioField(
        "What kind of wrongdoing is it?",
        choices=WRONGDOING_CHOICES,
        widget=GovRadioInput(),
        invalid_choice_message="Select what kind of wrongdoing it is",
    )
    what_happened = _long_text(
        "What happened",
        required="Enter what happened",
        max_length=MAX_WHAT_HAPPENED,
        hint=(
            "Say what you saw or heard, or what you were told and by whom. Use the words people used if you can. "
            "Stick to the facts: do not investigate or ask the person about it."
        ),
    )
    date = fields.GovukDateField(
        "Date it happened",
        required="Enter the date it happened",
        hint="For example, 27 3 2026. If you do not know the exact date, give your best estimate.",
    )
    time = fields.text(
        "Time it happened", max_length=20, hint="Use the 24-hour clock, for example 14:30", filters=[_clean]
    )
    where = fields.text(
        "Where it happened",
        max_length=500,
        hint="For example, the playground, the Year 3 classroom or on a school trip",
        filters=[_clean],
    )
    children = _long_text(
        "Children involved",
        hint=(
            "Write each child’s full name on a new line, with their class or year group if you know it. "
            "We need full names because this record is kept for many years and must still make sense to "
            "whoever reads it then."
        ),
    )
    witnesses = _long_text(
        "Witnesses", hint="Anyone who saw or heard what happened. Write each name on a new line, with their role."
    )
    action_taken = _long_text(
        "What you have done already", hint="For example, who you have told and what you said to the child."
    )
    non_recent = BooleanField("This happened more than a year ago", widget=GovCheckboxInput())
    evidence = _long_text(
        "Evidence",
        hint="Describe any documents, emails, records or other evidence, and where they can be found.",
    )
    personal_interest = _long_text(
        "Any personal interest you have in the matter",
        hint="The code of conduct asks you to include details of any personal interest. Write ‘None’ if you have none.",
    )
    submit = fields.submit("Continue")

    def __init__(self, *args: Any, is_whistleblowing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_whistleblowing = is_whistleblowing
        if not is_whistleblowing:
            del self.wrongdoing
            del self.evidence
            del self.personal_interest

    def validate_what_happened(self, field: Any) -> None:
        if not field.data:  # only spaces: InputRequired looks at what was sent, before trimming
            raise ValidationError("Enter what happened")

    def validate_date(self, field: Any) -> None:
        if field.data is not None and field.data > london_today():
            raise ValidationError("Date it happened must be today or in the past")

    def validate_time(self, field: Any) -> None:
        if field.data and not TIME_PATTERN.match(field.data):
            raise ValidationError("Enter the time using the 24-hour clock, like 14:30")

    def clean_time(self) -> str:
        match = TIME_PATTERN.match(self.time.data or "")
        return f"{int(match.group(1)):02d}:{match.group(2)}" if match else ""


class FurtherInformationForm(FlaskForm):
    information = _long_text(
        "Further information",
        required="Enter the further information",
        max_length=MAX_WHAT_HAPPENED,
        hint="Anything you have remembered or found out since. It is added to your report: what you sent before "
        "stays as it was.",
    )
    submit = fields.submit("Send further information")

    def validate_information(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Enter the further information")


class SendForm(FlaskForm):
    submit = fields.submit("Send")
