"""Voting fixtures: an event with teams and voters, ``make_idea``, ``make_round``.

Everything goes through the real use cases (``voting.services.post_idea``,
``create_round``, ``open_round``), so a fixture never builds a state the
application could not reach.

- ``voting_event``: a published hackathon (``team_event``) run by ``organiser``.
- ``make_voter(event=None, team=None, status="confirmed", present=False)``: a new
  participant of ``event`` (``voting_event`` by default), joining ``team`` if
  given, checked in (present) by the organiser if ``present``.
- ``make_idea(author, event=None, *, title=None, summary=..., need=None)``: the
  author (a member of a team, or a confirmed participant if solo ideas are
  allowed) posts an idea.
- ``make_round(event=None, *, open=True, by=None, **RoundInput overrides)``: the
  organiser creates a round (and opens it, freezing the event's ideas).
- ``voting_setup``: two teams of two with an idea each, a solo voter without a
  team, and an open round: a ``SimpleNamespace`` with ``event``, ``teams``,
  ``ideas``, ``members`` (per team), ``outsider`` and ``round``.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from inspir_events.events import participation
from inspir_events.events.models import Registration
from inspir_events.events.rules import Attendance
from inspir_events.teams import services as teams
from inspir_events.voting import services
from tests.teams.conftest import (  # noqa: F401  (fixtures, re-exported)
    browser,
    make_event,
    make_need,
    make_participant,
    make_team,
    organiser,
    team_event,
)

SUMMARY = "Un **minibus à la demande** entre les villages et la gare."


@pytest.fixture
def voting_event(team_event):  # noqa: F811 - the re-exported fixture
    """A published event where teams post ideas and vote."""
    return team_event


@pytest.fixture
def make_voter(db, make_participant, make_team, organiser, voting_event):  # noqa: F811
    """A participant, optionally in a team and checked in."""

    def factory(event=None, team=None, *, name: str | None = None,
                status: str | None = "confirmed", present: bool = False):
        event = event or voting_event
        user = make_participant(event, name=name, status=status)
        if team is not None:
            teams.join(user, team.id)
        if present:
            registration = db.session.scalar(select(Registration).where(
                Registration.event_id == event.id, Registration.user_id == user.id))
            participation.set_attendance(organiser, event.id, registration.id,
                                         Attendance.PRESENT)
        return user

    return factory


@pytest.fixture
def make_idea(db, voting_event):
    """Post an idea through ``services.post_idea``."""
    counter = itertools.count(1)

    def factory(author, event=None, *, title: str | None = None, summary: str = SUMMARY,
                need=None):
        event = event or voting_event
        return services.post_idea(author, event.id, services.IdeaInput(
            title=title or f"Idée numéro {next(counter)}", summary=summary,
            need_id=need.id if need is not None else None))

    return factory


@pytest.fixture
def make_round(db, organiser, voting_event):  # noqa: F811
    """Create (and by default open) a round: ``make_round(event, open=True, **RoundInput)``."""
    counter = itertools.count(1)

    def factory(event=None, *, open: bool = True, by=None, **overrides):  # noqa: A002
        event = event or voting_event
        values = {"title": f"Jury n°{next(counter)}"}
        values.update(overrides)
        author = by or organiser
        voting_round = services.create_round(author, event.id, services.RoundInput(**values))
        if open:
            voting_round = services.open_round(author, voting_round.id)
        db.session.refresh(voting_round)
        return voting_round

    return factory


@pytest.fixture
def voting_setup(make_voter, make_team, make_idea, make_round, voting_event):  # noqa: F811
    """Two teams of two with one idea each, a voter without a team, an open round."""

    def build(**round_overrides):
        leads = [make_voter(name="Léa"), make_voter(name="Hugo")]
        teams = [make_team(lead, voting_event) for lead in leads]
        members = [[leads[0], make_voter(team=teams[0], name="Inès")],
                   [leads[1], make_voter(team=teams[1], name="Noé")]]
        ideas = [make_idea(leads[0], title="Minibus à la demande"),
                 make_idea(leads[1], title="Covoiturage solidaire")]
        outsider = make_voter(name="Sam")
        voting_round = make_round(**round_overrides)
        return SimpleNamespace(event=voting_event, teams=teams, ideas=ideas, members=members,
                               outsider=outsider, round=voting_round)

    return build
