"""Forms for anonymous whistleblowing.

These forms carry no CSRF token: Flask-WTF keeps its token in the session, and these pages must
never touch a session. The blueprint checks instead that every POST comes from this site (see
`views.require_same_origin`).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput
from wtforms import BooleanField, Field, HiddenField, RadioField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from casetracker.domain.reports import ThresholdAnswer, Wrongdoing
from casetracker.web import fields

MAX_WHAT_HAPPENED = 10_000
MAX_DETAIL = 5_000
WRONG_CODE = "Enter the receipt code exactly as it was shown"


class SessionlessForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        csrf = False


def _radios(label: str, choices: list[SelectChoice], required: str, hint: str = "") -> RadioField:
    return RadioField(
        label,
        choices=choices,
        validators=[InputRequired(message=required)],
        widget=GovRadioInput(),
        invalid_choice_message=required,
        description=hint,
    )


class ConcernForm(SessionlessForm):
    """Every answer of an anonymous concern, on one page (nothing is kept between pages)."""

    wrongdoing = _radios(
        "What kind of wrongdoing is it?",
        [SelectChoice(w.value, w.label) for w in Wrongdoing],
        "Select the kind of wrongdoing",
    )
    what_happened = fields.long_text(
        "What happened?",
        required="Enter what happened",
        max_length=MAX_WHAT_HAPPENED,
        hint="Describe what you saw, heard or were told, in your own words. Include names where you can.",
    )
    when = fields.text(
        "When did it happen? (optional)",
        max_length=200,
        hint="A date or dates, or roughly when, for example 'most Fridays since September'",
    )
    where = fields.text("Where did it happen? (optional)", max_length=500)
    who_is_involved = fields.long_text(
        "Who is involved? (optional)",
        max_length=MAX_DETAIL,
        hint="Names and roles of anyone doing the wrongdoing, covering it up or who saw it",
    )
    headteacher_involved = BooleanField(
        "The headteacher is involved",
        widget=GovCheckboxInput(),
        description=(
            "If you tick this, your concern goes to the chair of governors (or the next person in line) "
            "and the headteacher cannot see it."
        ),
    )
    evidence = fields.long_text(
        "What evidence is there? (optional)",
        max_length=MAX_DETAIL,
        hint="For example, documents, records or messages, and where they are kept. Do not upload anything.",
    )
    personal_interest = fields.long_text(
        "Do you have any personal interest in this? (optional)",
        max_length=MAX_DETAIL,
        hint="The code of conduct asks you to say if you do, for example if it affects you or someone close to you.",
    )
    harm_to_a_child = _radios(
        "Has a child been harmed, or could a child be harmed, because of this?",
        [SelectChoice(a.value, a.label) for a in ThresholdAnswer],
        "Select yes, no or not sure",
        hint="If you are not sure, choose 'Not sure'. The case manager will decide.",
    )
    submit = fields.submit("Continue")

    def validate_what_happened(self, field: Field) -> None:
        _not_blank(field, "Enter what happened")


class ReceiptCodeForm(SessionlessForm):
    code = fields.text(
        "Receipt code",
        required="Enter your receipt code",
        max_length=100,
        hint="The code you were shown when you sent your concern, like K7QD-M2XA-9HFT-W3RB-P6ZN-C4YE",
    )
    submit = fields.submit("Continue")


class ReplyForm(SessionlessForm):
    # The code travels with the reply because nothing links this browser to the report.
    code = HiddenField(
        "Receipt code",
        validators=[InputRequired(message="Enter your receipt code"), Length(max=100, message=WRONG_CODE)],
    )
    text = fields.long_text(
        "Your reply",
        required="Enter your reply",
        max_length=MAX_DETAIL,
        hint="Do not include your name or anything that identifies you, unless you want to.",
    )
    submit = fields.submit("Send reply")

    def validate_text(self, field: Field) -> None:
        _not_blank(field, "Enter your reply")


def _not_blank(field: Field, message: str) -> None:
    if not (field.data or "").strip():
        raise ValidationError(message)


ANSWER_FIELDS = (
    "wrongdoing",
    "what_happened",
    "when",
    "where",
    "who_is_involved",
    "headteacher_involved",
    "evidence",
    "personal_interest",
    "harm_to_a_child",
)
