"""Finding a case for an actor: every case access goes through `domain.policy.can_view_case`.

A case the actor may not see is reported exactly as one that does not exist (NotFound -> 404).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, CaseRelation, can_manage_case, can_view_case
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Attachment, Case, CaseCollaborator, CasePerson


class CaseNotFoundError(LookupError):
    """No such case, or one the actor may not see: the two are never told apart."""


def relation_to(actor: Actor, case: Case) -> CaseRelation:
    index = keyring().blind_index(actor.person_id)
    implicated = db.session.scalar(
        select(CasePerson.id)
        .where(
            CasePerson.case_id == case.id,
            CasePerson.role == "implicated",
            CasePerson.person_index == index,
            CasePerson.removed_at.is_(None),
        )
        .limit(1)
    )
    manager_office = Office(case.case_manager_office) if case.case_manager_office else None
    collaborator = db.session.scalar(
        select(CaseCollaborator.id)
        .where(
            CaseCollaborator.case_id == case.id,
            CaseCollaborator.user_id == actor.user_id,
            CaseCollaborator.removed_at.is_(None),
        )
        .limit(1)
    )
    return CaseRelation(
        is_case_manager=manager_office is not None and manager_office in actor.offices,
        is_collaborator=collaborator is not None,
        is_subject=case.subject_index == index,
        is_implicated=implicated is not None,
    )


def case_for(actor: Actor, case_id: uuid.UUID) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or case.destroyed_at is not None or not can_view_case(actor, relation_to(actor, case)):
        raise CaseNotFoundError(str(case_id))
    return case


def managed_case_for(actor: Actor, case_id: uuid.UUID) -> Case:
    """A case the actor manages. A collaborator, who may only look, is answered as anyone else."""
    case = case_for(actor, case_id)
    if not can_manage_case(actor, relation_to(actor, case)):
        raise CaseNotFoundError(str(case_id))
    return case


def visible_cases(actor: Actor) -> list[Case]:
    """Every case the actor may see (as case manager or collaborator), newest first.

    The candidates come from indexed queries (the actor's offices, their collaborations); the one
    policy function then decides each, so subjects and implicated people never see theirs.
    """
    offices = [office.value for office in actor.offices]
    collaborating = select(CaseCollaborator.case_id).where(
        CaseCollaborator.user_id == actor.user_id, CaseCollaborator.removed_at.is_(None)
    )
    candidates = db.session.scalars(
        select(Case)
        .where(
            Case.destroyed_at.is_(None),
            Case.status != "draft",
            Case.case_manager_office.in_(offices) | Case.id.in_(collaborating),
        )
        .order_by(Case.opened_at.desc())
    )
    return [case for case in candidates if can_view_case(actor, relation_to(actor, case))]


def attachment_for(actor: Actor, case_id: uuid.UUID, attachment_id: uuid.UUID) -> Attachment:
    case = case_for(actor, case_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise CaseNotFoundError(str(attachment_id))
    return attachment
