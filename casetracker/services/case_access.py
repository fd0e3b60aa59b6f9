"""Finding a case for an actor: every case access goes through `domain.policy.can_view_case`.

A case the actor may not see is reported exactly as one that does not exist (NotFound -> 404).
"""

from __future__ import annotations

import uuid

from sqlalchemy import literal, select, union_all

from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, CaseRelation, can_manage_case, can_view_case, may_learn_reporter
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Attachment, Case, CaseCollaborator, CasePerson


class CaseNotFoundError(LookupError):
    """No such case, or one the actor may not see: the two are never told apart."""


def relations_to(actor: Actor, cases: list[Case]) -> dict[uuid.UUID, CaseRelation]:
    """How the actor stands to each case, in one statement (two indexed lookups) however many
    cases there are."""
    if not cases:
        return {}
    index = keyring().blind_index(actor.person_id)
    ids = [case.id for case in cases]
    implicated_in = select(literal("implicated").label("how"), CasePerson.case_id.label("case_id")).where(
        CasePerson.case_id.in_(ids),
        CasePerson.role == "implicated",
        CasePerson.person_index == index,
        CasePerson.removed_at.is_(None),
    )
    collaborating_on = select(literal("collaborator").label("how"), CaseCollaborator.case_id.label("case_id")).where(
        CaseCollaborator.case_id.in_(ids),
        CaseCollaborator.user_id == actor.user_id,
        CaseCollaborator.removed_at.is_(None),
    )
    implicated: set[uuid.UUID] = set()
    collaborating: set[uuid.UUID] = set()
    for how, case_id in db.session.execute(union_all(implicated_in, collaborating_on)):
        (implicated if how == "implicated" else collaborating).add(case_id)
    return {
        case.id: CaseRelation(
            is_case_manager=case.case_manager_office is not None and Office(case.case_manager_office) in actor.offices,
            is_collaborator=case.id in collaborating,
            is_subject=case.subject_index == index,
            is_implicated=case.id in implicated,
        )
        for case in cases
    }


def implicated_indexes(case: Case) -> set[str]:
    """The blind indexes of everyone implicated in the case now (one query)."""
    return set(
        db.session.scalars(
            select(CasePerson.person_index).where(
                CasePerson.case_id == case.id, CasePerson.role == "implicated", CasePerson.removed_at.is_(None)
            )
        )
    )


def collaborates_on_a_case(user_id: uuid.UUID) -> bool:
    """Whether the account can see any case as a collaborator (it must then use two-factor)."""
    found = db.session.scalar(
        select(CaseCollaborator.id)
        .join(Case, Case.id == CaseCollaborator.case_id)
        .where(CaseCollaborator.user_id == user_id, CaseCollaborator.removed_at.is_(None), Case.destroyed_at.is_(None))
        .limit(1)
    )
    return found is not None


def relation_to(actor: Actor, case: Case) -> CaseRelation:
    return relations_to(actor, [case])[case.id]


def case_and_relation(actor: Actor, case_id: uuid.UUID) -> tuple[Case, CaseRelation]:
    """The case and how the actor stands to it, if they may see it; else CaseNotFoundError."""
    case = db.session.get(Case, case_id)
    if case is None or case.destroyed_at is not None:
        raise CaseNotFoundError(str(case_id))
    relation = relation_to(actor, case)
    if not can_view_case(actor, relation):
        raise CaseNotFoundError(str(case_id))
    return case, relation


def raised_as(case: Case) -> str:
    """The kind the concern was raised as (a whistleblowing concern keeps its discloser's
    protection after it is reclassified)."""
    return str((case.details or {}).get("received_as", case.kind))


def reporter_shown(actor: Actor, case: Case, relation: CaseRelation, *, redacted_copy: bool = False) -> bool:
    """Whether this viewer may learn who reported the case (domain.policy.may_learn_reporter)."""
    return may_learn_reporter(actor, relation, raised_as=raised_as(case), redacted_copy=redacted_copy)


def case_for(actor: Actor, case_id: uuid.UUID) -> Case:
    return case_and_relation(actor, case_id)[0]


def managed_case_for(actor: Actor, case_id: uuid.UUID) -> Case:
    """A case the actor manages. A collaborator, who may only look, is answered as anyone else."""
    case, relation = case_and_relation(actor, case_id)
    if not can_manage_case(actor, relation):
        raise CaseNotFoundError(str(case_id))
    return case


def attachment_for(actor: Actor, case_id: uuid.UUID, attachment_id: uuid.UUID) -> Attachment:
    case = case_for(actor, case_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise CaseNotFoundError(str(attachment_id))
    return attachment
