"""Recusal fixtures: the aid ones (events, applications, projects, envelopes), re-exported."""

from __future__ import annotations

from tests.aid.conftest import (  # noqa: F401  (fixtures, re-exported)
    cofunding_session,
    committee,
    committee2,
    confirmed_round,
    envelopes_2016,
    in_session,
    jurors,
    labelled_event,
    make_event,
    make_idea,
    make_need,
    make_participant,
    make_project,
    make_round,
    make_team,
    make_voter,
    organiser,
    submitted_application,
    support_structure,
    team_event,
    voting_event,
    voting_setup,
)
