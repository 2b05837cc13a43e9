"""The statistics' territorial levels (issue 20 §3): needs, events held and projects per
department and per intercommunality (EPCI), the latter counting what names its commune.

The same conditions as the rest of the page: public needs, published events that are over,
projects listed (not awaiting qualification nor oriented elsewhere).
"""

from __future__ import annotations

from sqlalchemy import func, select

from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.rules import NOT_LISTED
from inspir_events.events.models import Event
from inspir_events.extensions import db
from inspir_events.needs.models import Need
from inspir_events.reference.models import Commune, Epci


def epci_codes() -> list[str]:
    return list(db.session.scalars(select(Epci.siren).order_by(Epci.siren)))


def by_epci(commune_column, *conditions) -> list[tuple[str, int]]:
    """(EPCI SIREN, count) of the rows whose commune (``commune_column``) is known."""
    return db.session.execute(
        select(Commune.epci_siren, func.count()).join_from(
            commune_column.class_, Commune, commune_column == Commune.code)
        .where(*conditions).group_by(Commune.epci_siren)).all()


def needs_by_epci() -> list[tuple[str, int]]:
    return by_epci(Need.commune_code, Need.is_public)


def events_by_epci(held) -> list[tuple[str, int]]:
    return by_epci(Event.venue_commune_code, held)


def listed_projects():
    return Project.qualification.not_in(NOT_LISTED)


def projects_by_department() -> list[tuple[str, int]]:
    return db.session.execute(
        select(Project.department_code, func.count()).where(listed_projects())
        .group_by(Project.department_code)).all()


def projects_by_epci() -> list[tuple[str, int]]:
    return by_epci(Project.commune_code, listed_projects())
