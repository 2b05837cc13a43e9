"""Read access to the reference rows, in display order."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.extensions import db
from inspir_events.reference.models import Department, Skill, Theme


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.code)))


def themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.code)))


def skills() -> list[Skill]:
    return list(db.session.scalars(select(Skill).order_by(Skill.position, Skill.code)))
