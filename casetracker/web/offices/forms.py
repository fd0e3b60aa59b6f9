"""Forms for office-holders: deciding office changes, and the register of interests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from casetracker.domain.people import RelationshipNature
from casetracker.models import Person
from casetracker.web import fields
from casetracker.web.admin.offices_forms import CleanForm, person_choices, person_field


class ActionForm(FlaskForm):
    """A form with only a button: it carries the CSRF token for a POST action."""

    submit = fields.submit("Continue")


class DeclarationForm(CleanForm):
    person = person_field(
        "Who is the relationship with?",
        "Select the person you have a relationship with",
        "Choose them from the staff directory",
    )
    nature = RadioField(
        "What kind of relationship is it?",
        choices=[SelectChoice(nature.value, nature.label) for nature in RelationshipNature],
        widget=GovRadioInput(),
        invalid_choice_message="Select what kind of relationship it is",
    )
    details = fields.long_text(
        "Details (optional)",
        max_length=2000,
        hint="Anything the case manager would need to know, for example how long you have known them",
    )
    submit = fields.submit("Declare this relationship")

    def __init__(self, directory: Iterable[Person], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person.choices = person_choices(directory)

    @property
    def chosen_nature(self) -> RelationshipNature:
        return RelationshipNature(self.nature.data)
