"""Reading the support structures: their public list and profile, the projects they
accompany (listed ones only), and the structure as a subject of the INS'pir label.

The label « INS'pir » « pourra être attribué à des événements, structures
d'accompagnement et projets/expérimentations »: a structure is an account
holding the support structure role; its public profile shows its name, bio,
department, the projects it accompanies and its label badge. It asks for its label
itself (:data:`LABEL_SUBJECT`, registered with labels by the store's blueprint).
"""

from __future__ import annotations

from operator import attrgetter

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.aid.projects.models import Project
from inspir_events.database import ID_MAX
from inspir_events.extensions import db
from inspir_events.follows.subjects import FollowSubject
from inspir_events.labels.subjects import LabelSubject
from inspir_events.pictures.subjects import PictureSubject
from inspir_events.urls import path_for


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


def structure_people(structure_id: int) -> set[int]:
    """Who is party to a support structure (recusal, « déport »): a structure is one
    account holding the role, so its people are that account (the data links no other
    person to a structure)."""
    return {structure_id} if get_structure(structure_id) is not None else set()


# --- The structure's label ----------------------------------------------------------------

def may_ask_for_label(user, structure: User) -> bool:
    """Only the support structure itself (an account with that role) asks for its label."""
    return bool(user and getattr(user, "is_authenticated", False) and user.id == structure.id
                and user.has_role(Role.SUPPORT_STRUCTURE))


def _locked(structure_id: int) -> User | None:
    if not 0 < structure_id <= ID_MAX:
        return None
    return db.session.scalar(select(User).where(User.id == structure_id).with_for_update())


def structure_url(structure: User) -> str:
    """The structure's public page."""
    return path_for("store.structure", user_id=structure.id)


LABEL_SUBJECT = LabelSubject(
    locked=_locked, may_ask=may_ask_for_label, title=attrgetter("display_name"),
    url=structure_url,
    not_allowed=_l("Only the support structure itself asks for its label."))


# --- Following a structure (issue 17 §4) ------------------------------------------------

FOLLOW_SUBJECT = FollowSubject(
    load=get_structure, title=attrgetter("display_name"), url=structure_url,
    name=_l("Support structure"), gone=_l("A support structure that is no more"))


# --- The structure's picture (issue 20 §4) ------------------------------------------------

def _picture_load(structure_id: int, lock: bool = False) -> User | None:
    structure = get_structure(structure_id)
    if structure is not None and lock:
        _locked(structure_id)
    return structure


PICTURE_SUBJECT = PictureSubject(
    load=_picture_load, may_change=lambda user, structure: user.id == structure.id,
    title=attrgetter("display_name"), url=structure_url)
