from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired

from casetracker.web import fields


class PersonChoiceForm(FlaskForm):
    person = SelectField(
        "Person", validators=[InputRequired(message="Choose a person")], widget=GovSelect(), choices=[]
    )
    submit = fields.submit("Continue")


class MessageForm(FlaskForm):
    text = fields.long_text(
        "Message to the person who reported this",
        required="Enter your message",
        max_length=5000,
        hint="Do not include anything they should not know, such as the outcome, unless you have decided to tell them.",
    )
    submit = fields.submit("Send message")


class EntryTypeForm(FlaskForm):
    entry_type = RadioField(
        "What do you want to record?",
        validators=[InputRequired(message="Choose what you want to record")],
        widget=GovRadioInput(),
        choices=[],
    )
    submit = fields.submit("Continue")


class ReclassifyForm(FlaskForm):
    to_kind = RadioField(
        "What should this case become?",
        validators=[InputRequired(message="Choose what the case should become")],
        widget=GovRadioInput(),
        choices=[],
    )
    rationale = fields.long_text(
        "Rationale",
        required="Enter the rationale for the reclassification",
        max_length=5000,
        hint="This is recorded on the chronology. Judge by the behaviour described, not the label it was given.",
    )
    submit = fields.submit("Reclassify")


class CloseCaseForm(FlaskForm):
    summary = fields.long_text(
        "Closing summary",
        required="Enter a closing summary",
        max_length=10000,
        hint="What was decided and done. This is the last entry on the chronology.",
    )
    submit = fields.submit("Close the case")


class ExportForm(FlaskForm):
    copy = RadioField(
        "Which copy do you need?",
        validators=[InputRequired(message="Choose which copy you need")],
        widget=GovRadioInput(),
        choices=[],
    )
    submit = fields.submit("Download PDF")


class DestroyCaseForm(FlaskForm):
    reason = fields.long_text(
        "Why is this case being destroyed?",
        required="Enter why this case is being destroyed",
        max_length=500,
        hint="For example, the retention period has ended and you have reviewed the record. This is kept on the "
        "tombstone the case leaves behind.",
    )
    reference = fields.text(
        "Type the case reference to confirm", required="Type the case reference to confirm", max_length=20
    )
    submit = fields.submit("Destroy this case")
