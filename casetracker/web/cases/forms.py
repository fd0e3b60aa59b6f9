from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
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
