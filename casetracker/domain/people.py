"""Who works in or for the school, and the offices and roles they may hold (DOMAIN.md sections 1, 3, 4)."""

from __future__ import annotations

from enum import StrEnum


class StaffType(StrEnum):
    EMPLOYEE = "employee"
    SUPPLY = "supply"
    AGENCY = "agency"
    VOLUNTEER = "volunteer"
    CONTRACTOR = "contractor"
    GOVERNOR = "governor"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def has_external_employer(self) -> bool:
        """Supply, agency and contractor staff have an employer the school must inform (R9)."""
        return self in {StaffType.SUPPLY, StaffType.AGENCY, StaffType.CONTRACTOR}


class SchoolType(StrEnum):
    MAINTAINED = "maintained"
    ACADEMY = "academy"
    INDEPENDENT = "independent"

    @property
    def label(self) -> str:
        return {
            SchoolType.MAINTAINED: "Maintained school",
            SchoolType.ACADEMY: "Academy",
            SchoolType.INDEPENDENT: "Independent school",
        }[self]


class Office(StrEnum):
    HEADTEACHER = "headteacher"
    DSL = "dsl"
    DEPUTY_DSL = "deputy_dsl"
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    ESCALATION_CONTACT = "escalation_contact"
    DATA_PROTECTION_OFFICER = "data_protection_officer"

    def label(self, school_type: SchoolType = SchoolType.MAINTAINED) -> str:
        """The office's name as the school's type calls it (the chair is the proprietor, etc.)."""
        if self is Office.CHAIR:
            return {
                SchoolType.MAINTAINED: "Chair of governors",
                SchoolType.ACADEMY: "Chair of the trust board",
                SchoolType.INDEPENDENT: "Proprietor",
            }[school_type]
        return OFFICE_LABELS[self]

    @property
    def is_single(self) -> bool:
        """Only one current holder (and one acting holder) at a time."""
        return self is not Office.DEPUTY_DSL


OFFICE_LABELS = {
    Office.HEADTEACHER: "Headteacher",
    Office.DSL: "Designated safeguarding lead",
    Office.DEPUTY_DSL: "Deputy designated safeguarding lead",
    Office.CHAIR: "Chair of governors",
    Office.VICE_CHAIR: "Vice-chair of governors",
    Office.ESCALATION_CONTACT: "Escalation contact",
    Office.DATA_PROTECTION_OFFICER: "Data protection officer",
}

# The offices whose holders the administrator may not change alone (DOMAIN.md section 4).
SAFEGUARDING_OFFICES = frozenset(Office) - {Office.DEPUTY_DSL}


class Role(StrEnum):
    STAFF = "staff"
    GOVERNOR = "governor"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return {
            Role.STAFF: "Staff",
            Role.GOVERNOR: "Governor",
            Role.ADMINISTRATOR: "System administrator",
        }[self]


class RelationshipNature(StrEnum):
    FAMILY = "family"
    PARTNER = "partner"
    CLOSE_FRIEND = "close_friend"
    FINANCIAL = "financial"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            RelationshipNature.FAMILY: "Family member",
            RelationshipNature.PARTNER: "Partner or former partner",
            RelationshipNature.CLOSE_FRIEND: "Close friend",
            RelationshipNature.FINANCIAL: "Business or financial interest",
            RelationshipNature.OTHER: "Other close personal relationship",
        }[self]


class LowLevelConcernRoute(StrEnum):
    DSL = "dsl"
    HEADTEACHER = "headteacher"


class LadoClockUnit(StrEnum):
    WORKING_DAYS = "working_days"
    HOURS = "hours"
