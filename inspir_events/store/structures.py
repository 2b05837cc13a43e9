"""Reading the support structures: their public list and profile, the projects they
accompany (listed ones only) and their INS'pir label.

« Le label INS'pir pourra être attribué à des événements, des structures
d'accompagnement et des projets/expérimentations »: a structure is an account
holding the support structure role; its public profile shows its name, bio,
department, the projects it accompanies and its label badge.
"""

from __future__ import annotations

from sqlalchemy import func, select

from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.aid.projects.models import Project
from inspir_events.database import ID_MAX
from inspir_events.extensions import db


def _structures():
    return (select(User).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.SUPPORT_STRUCTURE))


def structures() -> list[User]:
    """Every support structure, by name."""
    return list(db.session.scalars(_structures().order_by(User.display_name, User.id)))


def get_structure(user_id: int) -> User | None:
    """The support structure with this account id, or None."""
    if not 0 < user_id <= ID_MAX:
        return None
    return db.session.scalar(_structures().where(User.id == user_id))


def accompanied(structure_id: int) -> list[Project]:
    """The listed projects this structure accompanies, latest stage change first."""
    return list(db.session.scalars(
        select(Project).where(Project.support_structure_id == structure_id,
                              Project.is_listed)
        .order_by(Project.stage_changed_at.desc(), Project.id.desc())))


def accompanied_counts() -> dict[int, int]:
    """How many listed projects each structure accompanies (one query)."""
    return dict(db.session.execute(
        select(Project.support_structure_id, func.count(Project.id))
        .where(Project.support_structure_id.is_not(None),
               Project.is_listed)
        .group_by(Project.support_structure_id)).all())
