"""WTForms fields with GOV.UK widgets and messages in GOV.UK's words."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length


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
