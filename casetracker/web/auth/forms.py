from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import ValidationError

from casetracker.security.passwords import PRODUCT_WORDS, password_problem
from casetracker.web import fields


class SignInForm(FlaskForm):
    email = fields.text("Email address", required="Enter your email address", max_length=320)
    password = fields.password("Password", required="Enter your password")
    submit = fields.submit("Sign in")


class CodeForm(FlaskForm):
    code = fields.text(
        "Security code",
        required="Enter the 6-digit code from your authenticator app",
        max_length=20,
        hint="The 6-digit code shown in your authenticator app",
    )
    submit = fields.submit("Continue")

    def validate_code(self, field: object) -> None:
        value = (self.code.data or "").replace(" ", "")
        if not (value.isdigit() and len(value) == 6):
            raise ValidationError("Enter the code as 6 digits, like 123456")


class RecoveryCodeForm(FlaskForm):
    code = fields.text(
        "Recovery code", required="Enter one of your recovery codes", max_length=40, hint="For example, 3f2a9-b81c0"
    )
    submit = fields.submit("Continue")


class ConfirmIdentityForm(FlaskForm):
    password = fields.password("Password", required="Enter your password")
    code = fields.text(
        "Security code", max_length=20, hint="The 6-digit code from your authenticator app, if you use one"
    )
    submit = fields.submit("Continue")


class ForgotPasswordForm(FlaskForm):
    email = fields.text("Email address", required="Enter your email address", max_length=320)
    submit = fields.submit("Send a reset link")


class NewPasswordForm(FlaskForm):
    password = fields.password(
        "New password",
        required="Enter a new password",
        hint="Use 12 characters or more. A few unusual words together work well.",
    )
    confirm = fields.password("Confirm new password", required="Enter the new password again")
    submit = fields.submit("Save password")

    # Set by the view before validating: the words this person's password must not contain.
    context: tuple[str, ...] = PRODUCT_WORDS

    def validate_password(self, field: object) -> None:
        problem = password_problem(self.password.data or "", self.context)
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field: object) -> None:
        if self.confirm.data != self.password.data:
            raise ValidationError("Passwords must match")


class SubmitOnlyForm(FlaskForm):
    """A form with only a button: it carries the CSRF token for a POST action."""

    submit = fields.submit("Continue")
