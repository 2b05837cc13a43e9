"""Voting fixtures: an event with teams and voters, ``make_idea``, ``make_round``.

Everything goes through the real use cases (``voting.ideas.post_idea``,
``voting.rounds.create_round``, ``open_round``), so a fixture never builds a state the
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
- ``setup``: ``voting_setup()`` with its defaults.
- ``live(user=None, origin=ORIGIN)``: a Socket.IO test client (``LiveClient``), signed in
  as ``user`` through the real log-in form (its HTTP client carries the session cookie).
  Like ``InspirClient``, every socket call runs in a fresh context, as a real connection
  would: the handlers do not share the test's ``g``, current user or database session.
"""

from __future__ import annotations

import contextvars
import itertools
from types import SimpleNamespace

import pytest
from flask import has_app_context
from flask_socketio.test_client import SocketIOTestClient
from sqlalchemy import select

from inspir_events.events import participation
from inspir_events.events.models import Registration
from inspir_events.events.rules import Attendance
from inspir_events.extensions import db as _db
from inspir_events.extensions import socketio
from inspir_events.teams import services as teams
from inspir_events.voting import ideas as idea_cases
from inspir_events.voting import rounds as round_cases
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
    """Post an idea through ``idea_cases.post_idea``."""
    counter = itertools.count(1)

    def factory(author, event=None, *, title: str | None = None, summary: str = SUMMARY,
                need=None):
        event = event or voting_event
        return idea_cases.post_idea(author, event.id, idea_cases.IdeaInput(
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
        voting_round = round_cases.create_round(author, event.id, round_cases.RoundInput(**values))
        if open:
            voting_round = round_cases.open_round(author, voting_round.id)
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


ORIGIN = "http://localhost"  # the testing settings' ALLOWED_ORIGINS


class LiveClient(SocketIOTestClient):
    """A socket test client whose calls each run in a fresh context."""

    def _fresh(self, method, *args, **kwargs):
        result = contextvars.Context().run(method, *args, **kwargs)
        if has_app_context():
            _db.session.rollback()
        return result

    def connect(self, *args, **kwargs):
        return self._fresh(super().connect, *args, **kwargs)

    def emit(self, *args, **kwargs):
        return self._fresh(super().emit, *args, **kwargs)

    def disconnect(self, *args, **kwargs):
        return self._fresh(super().disconnect, *args, **kwargs)

    def events(self, name: str) -> list:
        return [m["args"][0] for m in self.get_received() if m["name"] == name]


@pytest.fixture
def live(app, browser):  # noqa: F811 - the re-exported fixture
    """``live(user=None, origin=ORIGIN)``: a socket, signed in as ``user`` (if given)."""
    opened = []

    def factory(user=None, origin: str | None = ORIGIN):
        http = browser(user) if user is not None else app.test_client()
        headers = {"Origin": origin} if origin else None
        client = LiveClient(app, socketio, flask_test_client=http, headers=headers)
        client.http = http
        opened.append(client)
        return client

    yield factory
    for client in opened:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def setup(voting_setup):
    """``voting_setup()`` with its defaults (an open round, live tally)."""
    return voting_setup()


def vote(client, voting_round, idea) -> dict:
    """Vote through the socket ``client``; returns the ack."""
    return client.emit("vote", {"round_id": voting_round.id, "idea_id": idea.id}, callback=True)
