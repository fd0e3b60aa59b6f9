"""SQLAlchemy 2.0 typed models. The schema is made only by migrations in migrations/."""

from casetracker.models.base import Base
from casetracker.models.case_keys import CaseDestruction, CaseKey, KeyCanary
from casetracker.models.cases import (
    Attachment,
    Case,
    CaseCollaborator,
    CasePerson,
    CaseTombstone,
    ChronologyEntry,
    LegalHold,
    Message,
    Report,
)
from casetracker.models.office_versions import OfficeCasesVersion
from casetracker.models.people import (
    ConfirmationRequest,
    OfficeHolding,
    PasswordResetToken,
    Person,
    RecoveryCode,
    RelationshipDeclaration,
    RoleGrant,
    SubjectAccessReferral,
    User,
)
from casetracker.models.school import School, TermDate
from casetracker.models.security import AuditEvent, AuditHead, ReportDraft, WebSession

__all__ = [
    "Attachment",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Case",
    "CaseCollaborator",
    "CaseDestruction",
    "CaseKey",
    "CasePerson",
    "CaseTombstone",
    "ChronologyEntry",
    "ConfirmationRequest",
    "KeyCanary",
    "LegalHold",
    "Message",
    "OfficeCasesVersion",
    "OfficeHolding",
    "PasswordResetToken",
    "Person",
    "RecoveryCode",
    "RelationshipDeclaration",
    "Report",
    "ReportDraft",
    "RoleGrant",
    "School",
    "SubjectAccessReferral",
    "TermDate",
    "User",
    "WebSession",
]
