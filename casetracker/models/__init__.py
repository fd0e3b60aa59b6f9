"""SQLAlchemy 2.0 typed models. The schema is made only by migrations in migrations/."""

from casetracker.models.base import Base, utcnow
from casetracker.models.people import (
    ConfirmationRequest,
    OfficeHolding,
    PasswordResetToken,
    Person,
    RecoveryCode,
    RelationshipDeclaration,
    RoleGrant,
    User,
)
from casetracker.models.school import School, TermDate
from casetracker.models.security import AuditEvent, WebSession

__all__ = [
    "AuditEvent",
    "Base",
    "ConfirmationRequest",
    "OfficeHolding",
    "PasswordResetToken",
    "Person",
    "RecoveryCode",
    "RelationshipDeclaration",
    "RoleGrant",
    "School",
    "TermDate",
    "User",
    "WebSession",
    "utcnow",
]
