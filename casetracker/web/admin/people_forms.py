"""Forms for the staff directory, accounts and the staff import."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovFileInput, GovRadioInput
from wtforms import RadioField, SelectMultipleField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from casetracker.clock import london_today
from casetracker.domain.people import Role, StaffType
from casetracker.services import people, staff_import
from casetracker.web import fields

STAFF_TYPE_HINTS = {
    StaffType.EMPLOYEE: "Employed by the school or trust",
    StaffType.SUPPLY: "Supplied by a supply agency or another school",
    StaffType.AGENCY: "Employed through an agency, other than supply teaching",
    StaffType.VOLUNTEER: "Unpaid, including parent helpers",
    StaffType.CONTRACTOR: "Works for a contractor, such as catering, cleaning or coaching",
    StaffType.GOVERNOR: "A governor or trustee",
}
ROLE_HINTS = {
    Role.STAFF: "Can report a concern and see what they have reported",
    Role.GOVERNOR: "Sees only anonymised figures, unless they hold an office",
    Role.ADMINISTRATOR: "Manages people, accounts and settings, but never reads case content. "
    "Needs two-factor authentication",
}
# Hints for each radio or checkbox, in the order of the choices (govuk-frontend-wtf merges by position).
STAFF_TYPE_ITEMS = [{"hint": {"text": STAFF_TYPE_HINTS[t]}} for t in StaffType]
ROLE_ITEMS = [{"hint": {"text": ROLE_HINTS[r]}} for r in Role]


def _clean(value: str | None) -> str | None:
    """Trim, and drop NUL characters (PostgreSQL refuses them in text)."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class PersonForm(FlaskForm):
    """A directory entry. Labels name the field plainly (errors quote them); the template adds '(optional)'."""

    full_name = fields.text(
        "Full name", required="Enter the person's full name", max_length=people.MAX_NAME_LENGTH, filters=[_clean]
    )
    email = fields.text(
        "Email address",
        max_length=people.MAX_EMAIL_LENGTH,
        hint="Needed for an account, and for the staff import to recognise this person",
        filters=[_clean],
    )
    job_title = fields.text("Job title", max_length=people.MAX_NAME_LENGTH, filters=[_clean])
    staff_type = RadioField(
        "Type of staff",
        choices=[SelectChoice(t.value, t.label) for t in StaffType],
        widget=GovRadioInput(),
        invalid_choice_message="Select the type of staff",
    )
    employer_name = fields.text(
        "Agency or employer name",
        max_length=people.MAX_NAME_LENGTH,
        hint="Needed for supply, agency and contractor staff: the employer the school must tell about any allegation",
        filters=[_clean],
    )
    start_date = fields.GovukDateField("Start date", hint="For example, 1 9 2024")
    leave_date = fields.GovukDateField("Leave date", hint="Leave blank if they still work here")
    date_of_birth = fields.GovukDateField("Date of birth", hint="For example, 27 3 1985")
    submit = fields.submit("Save")

    def __init__(self, *args: Any, sign_in_email: str | None = None, **kwargs: Any) -> None:
        """`sign_in_email`: the person has an account, whose email is not changed on this form."""
        super().__init__(*args, **kwargs)
        self.sign_in_email = sign_in_email
        if sign_in_email is not None:
            del self.email

    def validate_full_name(self, field: Any) -> None:
        if not field.data:  # only spaces: InputRequired looks at what was sent, before trimming
            raise ValidationError("Enter the person's full name")

    def validate_email(self, field: Any) -> None:
        value = (field.data or "").strip()
        if value and len(people.normalise_email(value) or "") > people.MAX_EMAIL_LENGTH:
            # Lower case can be longer ("İ" becomes "i̇"): it is the lower case that is stored.
            raise ValidationError(f"Email address must be {people.MAX_EMAIL_LENGTH} characters or fewer")
        if value and not people.is_valid_email(value):
            raise ValidationError("Enter an email address in the correct format, like name@example.com")

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        problems = people.check_details(self.details(), london_today())
        for name, message in problems.items():
            self[name].errors.append(message)
        return not problems

    def details(self) -> people.PersonDetails:
        email = self.sign_in_email if self.sign_in_email is not None else self.email.data
        return people.PersonDetails(
            full_name=(self.full_name.data or "").strip(),
            email=people.normalise_email(email),
            job_title=(self.job_title.data or "").strip(),
            staff_type=StaffType(self.staff_type.data),
            employer_name=(self.employer_name.data or "").strip(),
            start_date=self.start_date.data,
            leave_date=self.leave_date.data,
            date_of_birth=self.date_of_birth.data,
        )


class RolesForm(FlaskForm):
    roles = SelectMultipleField(
        "Roles",
        choices=[SelectChoice(r.value, r.label) for r in Role],
        validators=[InputRequired(message="Select at least one role")],
        widget=GovCheckboxesInput(),
        description="Select all that apply",
        invalid_choice_message="Select roles from the list",
    )
    submit = fields.submit("Save")

    def chosen_roles(self) -> list[Role]:
        return [Role(value) for value in self.roles.data or []]


class ImportStaffForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        validators=[
            FileRequired(message="Select a CSV file"),
            FileAllowed(["csv"], message="The selected file must be a CSV"),
            FileSize(
                max_size=staff_import.MAX_BYTES,
                message=f"The selected file must be smaller than {staff_import.MAX_BYTES // (1024 * 1024)}MB",
            ),
        ],
        widget=GovFileInput(),
    )
    submit = fields.submit("Import staff")
