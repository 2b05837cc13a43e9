"""Event fixtures: an organiser, ``make_event`` (through the real use cases), form data.

``make_need`` is the need boards' factory, shared here to link events to needs.
"""

from __future__ import annotations

import html
import itertools
from datetime import datetime, timedelta

import pytest

from inspir_events.accounts.models import Role
from inspir_events.events import services
from inspir_events.events.rules import EventKind, RunBy
from inspir_events.timeutil import utc_to_paris, utcnow
from tests.needs.conftest import make_need  # noqa: F401  (a fixture, re-exported)

DESCRIPTION = "Deux jours pour imaginer **des transports** avec les habitants."


def soon(days: int = 10, hour: int = 8) -> datetime:
    """A whole hour (naive UTC) ``days`` from now: minutes never blur form round trips."""
    return (utcnow() + timedelta(days=days)).replace(hour=hour, minute=0, second=0,
                                                      microsecond=0)


def paris_field(moment: datetime) -> str:
    """A stored UTC instant as typed in a datetime-local field, in Paris time."""
    return utc_to_paris(moment).strftime("%Y-%m-%dT%H:%M")


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def organiser(make_user):
    """An account with the organiser role (not signed in)."""
    return make_user("olivia@example.org", display_name="Olivia Organisatrice",
                     roles=(Role.ORGANISER,))


# A commune of each department, for events whose test names none.
PREFECTURES = {"02": "Laon", "59": "Lille", "60": "Beauvais", "62": "Arras", "80": "Amiens"}


@pytest.fixture
def make_event(db, organiser):
    """Declare an event through ``services.declare``, then publish (or cancel) it.

    ``make_event(by=organiser, published=True, cancelled=False, **EventInput fields)``.
    Defaults: a hackathon in Amiens (80) ten days from now, eight hours long, no
    capacity, no registration window, run by a third party.
    """
    counter = itertools.count(1)

    def factory(*, by=None, published: bool = True, cancelled: bool = False, **overrides):
        n = next(counter)
        starts_at = overrides.pop("starts_at", soon(10 + n))
        values = {
            "title": f"Hackathon mobilité n°{n}",
            "kind": EventKind.HACKATHON,
            "description": DESCRIPTION,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=8),
            "venue_name": "La Machinerie",
            "venue_address": "12 rue Dupuis",
            "venue_commune": "Amiens",
            "department_code": "80",
            "run_by": RunBy.THIRD_PARTY,
        }
        values.update(overrides)
        if "venue_commune" not in overrides:  # a commune of the department (issue 20 §3)
            values["venue_commune"] = PREFECTURES[values["department_code"]]
        author = by or organiser
        event = services.declare(author, services.EventInput(**values))
        if published or cancelled:
            services.publish(author, event.id)
        if cancelled:
            services.cancel(author, event.id)
        db.session.refresh(event)
        return event

    return factory


@pytest.fixture
def event_form():
    """Form data for /events/new in Paris time: ``event_form(**field overrides)``."""

    def build(**overrides):
        year = utcnow().year + 1
        data = {
            "title": "Hackathon des mobilités rurales",
            "kind": "hackathon",
            "description": DESCRIPTION,
            "starts_at": f"{year}-07-14T10:00",
            "ends_at": f"{year}-07-14T18:00",
            "venue_name": "La Machinerie",
            "venue_address": "12 rue Dupuis",
            "venue_commune": "Amiens",
            "department": "80",
            "capacity": "30",
            "registration_opens_at": "",
            "registration_closes_at": "",
            "run_by": "third_party",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return build
