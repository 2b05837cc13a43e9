"""Team fixtures: a published event, confirmed participants, ``make_team``, signed-in browsers.

Everything goes through the real use cases (``events.participation.register``,
``teams.services.create`` / ``join`` / ``decide_request``), so a fixture never
builds a state the application could not reach.

- ``team_event``: a published hackathon (the organiser's ``make_event()`` defaults).
- ``make_participant(event=None, name=None, skills=(), status="confirmed")``: a user
  registered at ``event`` (``team_event`` by default). ``status`` is "confirmed",
  "waitlisted" (the event is then made full first), "cancelled" or None (not
  registered). ``skills`` are skill codes set on the profile.
- ``participant``: a confirmed participant at ``team_event`` (not signed in).
- ``make_team(lead, event=None, *, members=(), **TeamInput overrides)``: ``lead``
  creates the team, then each of ``members`` joins it (accepted by the lead when
  the team is on request). Defaults: "Équipe n°N", open, the event's default size.
- ``browser(user)``: a new test client with ``user`` signed in.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.events import participation
from inspir_events.events.models import Event
from inspir_events.reference.models import Skill
from inspir_events.teams import services
from inspir_events.teams.models import JoinRequest
from inspir_events.teams.rules import RequestStatus
from tests.events.conftest import make_event, organiser  # noqa: F401  (fixtures, re-exported)
from tests.needs.conftest import make_need  # noqa: F401  (a fixture, re-exported)


@pytest.fixture
def team_event(make_event):  # noqa: F811 - the re-exported fixture
    """A published event at which teams form."""
    return make_event(title="Hackathon des mobilités rurales")


@pytest.fixture
def make_participant(db, make_user, team_event):
    """Register a new user at an event: ``make_participant(event, name, skills, status)``."""
    counter = itertools.count(1)

    def factory(event=None, name: str | None = None, skills=(), status: str | None = "confirmed"):
        event = event or team_event
        n = next(counter)
        user = make_user(display_name=name or f"Participant {n}")
        if skills:
            user.skills = list(db.session.scalars(select(Skill).where(Skill.code.in_(skills))))
            db.session.commit()
        if status is None:
            return user
        if status == "waitlisted":
            # Fill the event first: capacity = the confirmed people already there.
            row = db.session.get(Event, event.id)
            if row.capacity is None or row.confirmed_count < row.capacity:
                if row.confirmed_count == 0:
                    participation.register(make_user(display_name=f"Occupant {n}"), event.id)
                    db.session.refresh(row)
                row.capacity = row.confirmed_count
                db.session.commit()
        registration, _ = participation.register(user, event.id)
        if status == "cancelled":
            registration = participation.unregister(user, event.id)
        assert registration.status.value == status, (registration.status, status)
        return user

    return factory


@pytest.fixture
def participant(make_participant):
    """A confirmed participant at ``team_event`` (not signed in)."""
    return make_participant(name="Paul Participant")


@pytest.fixture
def make_team(db, team_event):
    """Create a team through the use cases: ``make_team(lead, event=None, members=(), **input)``."""
    counter = itertools.count(1)

    def factory(lead, event=None, *, members=(), **overrides):
        event = event or team_event
        values = {"name": f"Équipe n°{next(counter)}"}
        values.update(overrides)
        team = services.create(lead, event.id, services.TeamInput(**values))
        for member in members:
            if services.join(member, team.id) == "requested":
                request = db.session.scalar(select(JoinRequest).where(
                    JoinRequest.team_id == team.id, JoinRequest.user_id == member.id,
                    JoinRequest.status == RequestStatus.PENDING))
                services.decide_request(db.session.get(User, team.lead_id), request.id, True)
        db.session.refresh(team)
        return team

    return factory


@pytest.fixture
def browser(app, login):
    """``browser(user)``: a test client of its own with ``user`` signed in."""

    def factory(user):
        client = app.test_client()
        login(user, on=client)
        return client

    return factory
