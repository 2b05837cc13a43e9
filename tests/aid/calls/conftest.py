"""Calls fixtures: an open call of the current budget year with its jury, projects whose
team and support structure may apply, and a valid request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inspir_events.aid.calls import applying
from inspir_events.aid.calls import services as calls
from inspir_events.aid.calls.rules import Kind, Line
from inspir_events.aid.jury import services as jury
from inspir_events.aid.jury.rules import CRITERION_CODES
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as aid_years
from inspir_events.timeutil import utcnow

SIRET = "73282932000074"


def request_input(**overrides) -> applying.ApplicationInput:
    """4,000 € operating + 3,000 € investment, with lines that add up."""
    values = {"description": "Six mois d'expérimentation avec les habitants.",
              "links": "https://git.example.org/projet", "beneficiary_name": "Association Test",
              "beneficiary_identifier": SIRET, "operating_cents": 400_000,
              "investment_cents": 300_000,
              "lines": [Line("Animation", 400_000, Section.OPERATING),
                        Line("Matériel", 300_000, Section.INVESTMENT)]}
    values.update(overrides)
    return applying.ApplicationInput(**values)


def structure_input(cents: int = 100_000) -> applying.ApplicationInput:
    return applying.ApplicationInput(
        description="Accompagnement.", beneficiary_name="Incubateur",
        beneficiary_identifier=SIRET, structure_cents=cents,
        lines=[Line("Accompagnement", cents, Section.OPERATING)])


def all_scores(value: int):
    return {code: jury.ScoreInput(value, "") for code in CRITERION_CODES}


@pytest.fixture
def call_setup(db, envelopes_now, committee, make_project, make_user, support_structure):
    """An open call (opened 1 day ago, closing in 10), its jury of three disciplines, and a
    project in maturation in the Somme (Picardie) whose lead is ``lead``."""
    from types import SimpleNamespace

    now = utcnow().replace(microsecond=0)
    envelopes = [envelopes_now[(FormerRegion.PICARDIE, s)].id for s in Section]
    lead = make_user(display_name="Léa Porteuse")
    project = make_project("projet", proposer=lead, department="80")
    call = calls.create_call(committee, calls.CallInput(
        title="Appel santé rurale", text="Un **appel**.", year=aid_years.today().year,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10),
        envelope_ids=envelopes))
    calls.open_call(committee, call.id)
    members = [make_user(display_name=f"Juré {d}") for d in ("digital", "economy", "territory")]
    for person, discipline in zip(members, ("digital", "economy", "territory"), strict=True):
        jury.name_member(committee, calls.JURY_SUBJECT, call.id, person.id, discipline)
    return SimpleNamespace(call=call, project=project, lead=lead, members=members,
                           structure=support_structure, committee=committee)


@pytest.fixture
def submitted(call_setup):
    """``submitted(kind=experimentation)``: the lead's (or the structure's) request,
    submitted."""
    def submit(kind: Kind = Kind.EXPERIMENTATION, data=None):
        who = call_setup.lead if kind == Kind.EXPERIMENTATION else call_setup.structure
        data = data or (request_input() if kind == Kind.EXPERIMENTATION else structure_input())
        return applying.submit(who, call_setup.call.id, call_setup.project.id, kind, data)

    return submit


@pytest.fixture
def scored(call_setup):
    """``scored(application, *marks)``: the jury members score it (one mark each)."""
    def score(application, *marks):
        for member, mark in zip(call_setup.members, marks, strict=False):
            jury.score(member, calls.JURY_SUBJECT, call_setup.call.id, application.id,
                       all_scores(mark))

    return score
