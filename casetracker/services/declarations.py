"""The register of interests: office-holders declare close personal relationships.

The register is confidential: each declarant sees only their own declarations. Routing reads
`declared_relationships()` so that nobody manages a case about someone they are close to (R7).
The audit records ids only, never the nature or details of a relationship.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.domain.people import RelationshipNature
from casetracker.domain.policy import Actor
from casetracker.extensions import db
from casetracker.models import Person, RelationshipDeclaration


class DeclarationError(ValueError):
    """A declaration that cannot be made; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def declared_relationships() -> frozenset[tuple[uuid.UUID, uuid.UUID]]:
    """(declarant person id, related person id) for every declaration in force."""
    rows = db.session.execute(
        select(RelationshipDeclaration.declarant_person_id, RelationshipDeclaration.related_person_id).where(
            RelationshipDeclaration.withdrawn_at.is_(None)
        )
    )
    return frozenset((declarant, related) for declarant, related in rows)


def people_to_declare(actor: Actor) -> list[Person]:
    """Everyone in the directory but the declarant, by name."""
    return list(
        db.session.scalars(select(Person).where(Person.id != actor.person_id).order_by(Person.full_name, Person.id))
    )


def declarations_of(actor: Actor) -> list[RelationshipDeclaration]:
    """The actor's own declarations, in force first, then withdrawn; newest first within each."""
    rows = db.session.scalars(
        select(RelationshipDeclaration)
        .where(RelationshipDeclaration.declarant_person_id == actor.person_id)
        .order_by(RelationshipDeclaration.declared_at.desc())
    )
    return sorted(rows, key=lambda d: d.withdrawn_at is not None)


def declaration_for(actor: Actor, declaration_id: uuid.UUID) -> RelationshipDeclaration | None:
    """The actor's own declaration still in force; None for anyone else's (so the edge answers 404)."""
    declaration = db.session.get(RelationshipDeclaration, declaration_id)
    if declaration is None or declaration.declarant_person_id != actor.person_id:
        return None
    if declaration.withdrawn_at is not None:
        return None
    return declaration


def declare_relationship(
    actor: Actor, related_person_id: uuid.UUID, nature: RelationshipNature, details: str = ""
) -> RelationshipDeclaration:
    related = db.session.get(Person, related_person_id)
    if related is None:
        raise DeclarationError("Choose a person from the directory", "person")
    if related.id == actor.person_id:
        raise DeclarationError("Choose someone other than yourself", "person")
    existing = db.session.scalar(
        select(RelationshipDeclaration.id)
        .where(
            RelationshipDeclaration.declarant_person_id == actor.person_id,
            RelationshipDeclaration.related_person_id == related.id,
            RelationshipDeclaration.withdrawn_at.is_(None),
        )
        .limit(1)
    )
    if existing is not None:
        raise DeclarationError("You have already declared a relationship with this person", "person")
    declaration = RelationshipDeclaration(
        declarant_person_id=actor.person_id,
        related_person_id=related.id,
        nature=RelationshipNature(nature).value,
        details=details.strip(),
    )
    db.session.add(declaration)
    db.session.flush()
    audit.record(
        "relationship.declared",
        actor_user_id=actor.user_id,
        object_type="relationship_declaration",
        object_id=declaration.id,
    )
    # A conflict declared while a case is open moves the case past the declarant at once.
    from casetracker.services import routing

    moved = routing.reroute_open_cases(actor.user_id)
    db.session.commit()
    routing.tell_case_managers_of(moved)
    return declaration


def withdraw_declaration(actor: Actor, declaration: RelationshipDeclaration) -> None:
    if declaration.declarant_person_id != actor.person_id:
        raise DeclarationError("Only the person who made a declaration can withdraw it")
    if declaration.withdrawn_at is not None:
        raise DeclarationError("This declaration has already been withdrawn")
    declaration.withdrawn_at = utcnow()
    audit.record(
        "relationship.withdrawn",
        actor_user_id=actor.user_id,
        object_type="relationship_declaration",
        object_id=declaration.id,
    )
    db.session.commit()
