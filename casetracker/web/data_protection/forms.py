from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.validators import InputRequired

from casetracker.web import fields


class LegalHoldForm(FlaskForm):
    reference = fields.text(
        "Case reference", required="Enter the case reference", max_length=20, hint="For example, CT-7KQ2-M9XD"
    )
    reason = fields.long_text(
        "Why is the case held?",
        required="Enter why the case is held",
        max_length=500,
        hint="For example, the inquiry or legal claim. Nothing of the case can be destroyed until you lift the hold.",
    )
    submit = fields.submit("Place legal hold")


class SubjectAccessForm(FlaskForm):
    person = SelectField(
        "Whose information?",
        validators=[InputRequired(message="Choose the person who asked")],
        widget=GovSelect(),
        choices=[],
    )
    submit = fields.submit("Download the subject access pack")
