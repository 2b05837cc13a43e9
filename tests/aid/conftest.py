"""Aid fixtures: the 2016 envelopes, committee members, and (re-exported) the voting ones.

Sections: shared (here), "applications" (co-funding) and "pipeline" (projects),
each appended below by the tests that need it.
"""

from __future__ import annotations

import pytest

from inspir_events.accounts.models import Role
from inspir_events.aid.years import services as aid_years
from tests.voting.conftest import (  # noqa: F401  (fixtures, re-exported)
    make_event,
    make_idea,
    make_need,
    make_participant,
    make_round,
    make_team,
    make_voter,
    organiser,
    team_event,
    voting_event,
    voting_setup,
)


@pytest.fixture
def envelopes_2016(db) -> dict:
    """The four 2016 envelopes, by (former region, section)."""
    from sqlalchemy import select

    from inspir_events.aid.envelopes.models import Envelope
    aid_years.load_envelopes(2016)
    rows = db.session.scalars(select(Envelope).where(Envelope.parent_id.is_(None))).all()
    return {(e.former_region, e.section): e for e in rows}


@pytest.fixture
def open_year(db):
    """``open_year(year, **changes)``: open a budget year (by the operator, as the
    ``flask open-budget-year`` command does) from the previous year's rules, with
    ``changes`` to them (e.g. ``cofunding_cap_cents=1_000_000``); returns its row."""
    from datetime import date

    def open_it(year: int, **changes):
        data = aid_years.starting_rules(year)
        values = {**data.__dict__, "vote_reference": f"Délibération {year}-42",
                  "vote_date": date(year, 1, 20), **changes}
        return aid_years.open_year(None, year, aid_years.RulesInput(**values))

    return open_it


@pytest.fixture
def envelopes_now(db, open_year) -> dict:
    """The current budget year opened (the 2016 figures carried over) and its four
    envelopes, by (former region, section): what a decision taken today draws on."""
    from sqlalchemy import select

    from inspir_events.aid.envelopes.models import Envelope
    year = aid_years.today().year
    open_year(year)
    rows = db.session.scalars(select(Envelope).where(Envelope.parent_id.is_(None),
                                                     Envelope.year == year)).all()
    return {(e.former_region, e.section): e for e in rows}


@pytest.fixture
def committee(make_user):
    """A committee member of the Region (not signed in)."""
    return make_user("comite@example.org", display_name="Claire du comité",
                     roles=(Role.COMMITTEE,))


@pytest.fixture
def committee2(make_user):
    """A second committee member (for decisions at the same moment)."""
    return make_user("comite2@example.org", display_name="Marc du comité",
                     roles=(Role.COMMITTEE,))


# --- applications -----------------------------------------------------------------
# Events reach "labelled" through the real use cases (request_label, the committee's
# decision); applications are filed through aid.applications.

APPLICANT_SIRET = "73282932000074"  # 14 digits, valid Luhn key


def application_input(**overrides):
    """A valid, balanced application: 15,000 € of costs, 7,500 € asked (exactly 50 %),
    5,000 € from the Department (confirmed) and 2,500 € of own funds."""
    from inspir_events.aid.cofunding.reading import ApplicationInput, ExpenseInput, RevenueInput

    values = {
        "beneficiary_name": "Association Les Fabriques",
        "beneficiary_identifier": "732 829 320 00074",
        "purpose": "Hackathon des mobilités rurales",
        "region_share": "7 500",
        "expenses": [ExpenseInput("Location de la salle", "10 000,00", "operating"),
                     ExpenseInput("Matériel de prototypage", "5000", "investment")],
        "revenues": [RevenueInput("co_funder", "Département de la Somme", "5 000", True),
                     RevenueInput("own_funds", "Fonds propres", "2500,00", False)],
    }
    values.update(overrides)
    return ApplicationInput(**values)


@pytest.fixture
def labelled_event(db, make_event, organiser, committee):  # noqa: F811
    """``labelled_event(labelled=True, run_by=THIRD_PARTY, year=2016, **make_event args)``:
    an event starting in June of ``year`` in the Somme (Picardie), labelled by the
    committee unless ``labelled=False``."""
    from datetime import datetime

    from inspir_events.events import services as event_services
    from inspir_events.events.rules import RunBy
    from inspir_events.labels import services as label_services
    from inspir_events.labels.charter import PRINCIPLES

    def build(*, labelled: bool = True, run_by=RunBy.THIRD_PARTY, year: int = 2016, by=None,
              **overrides):
        by = by or organiser
        event = make_event(by=by, starts_at=datetime(year, 6, 10, 8), run_by=run_by,
                           **overrides)
        if labelled:
            request = event_services.request_label(
                by, event.id, {p.code: "Oui, avec les habitants." for p in PRINCIPLES},
                f"/events/{event.id}")
            label_services.decide(committee, request.id, True, "Conforme à la charte.")
        db.session.refresh(event)
        return event

    return build


@pytest.fixture
def submitted_application(db, labelled_event, organiser, envelopes_2016,  # noqa: F811
                          in_session):
    """``submitted_application(event=None, juried=True, **application_input overrides)``:
    a labelled event's valid application, submitted to the committee (the 2016 envelopes
    loaded) and, unless ``juried=False``, put in a session whose jury reached its quorum
    for it (:func:`in_session`), so the committee may decide on it."""
    from inspir_events.aid.cofunding import services as applications

    def build(event=None, juried: bool = True, **overrides):
        event = event or labelled_event()
        application = applications.submit(organiser, event.id, application_input(**overrides))
        if juried:
            in_session(application)
        return application

    return build


# --- sessions of co-funding applications and their jury (issue 19 §2) --------------------

def score_all(member, session_id: int, application_id: int, value: int = 4,
              comment: str = ""):
    """``member`` scores the application ``value`` on every default criterion."""
    from inspir_events.aid.jury import rules as jury_rules
    from inspir_events.aid.jury import services as jury

    return jury.score(member, "cofunding_session", session_id, application_id,
                      {code: jury.ScoreInput(value, comment)
                       for code in jury_rules.CRITERION_CODES})


@pytest.fixture
def jurors(make_user):
    """Two jury members, party to nothing: a digital expert and an inhabitant."""
    return (make_user("jure.numerique@example.org", display_name="Jules Numérique"),
            make_user("jure.habitante@example.org", display_name="Hana Habitante"))


@pytest.fixture
def cofunding_session(db, committee, jurors):
    """``cofunding_session(year=2016, title=..., jury_named=True)``: an open session created
    by the committee (use cases), with ``jurors`` named (digital, inhabitant) unless
    ``jury_named=False``."""
    from datetime import date

    from inspir_events.aid.cofunding import sessions
    from inspir_events.aid.jury import services as jury

    def build(year: int = 2016, title: str | None = None, jury_named: bool = True):
        session = sessions.create_session(committee, sessions.SessionInput(
            title or f"Comité de juin {year}", year, date(year, 6, 1)))
        if jury_named:
            for member, discipline in zip(jurors, ("digital", "inhabitant"), strict=True):
                jury.name_member(committee, "cofunding_session", session.id, member.id,
                                 discipline)
        return session

    return build


@pytest.fixture
def in_session(db, committee, jurors, cofunding_session):
    """``in_session(application, scores=(4, 3))``: the application put in an open
    session of its year (one per year and test, :func:`cofunding_session`) whose two
    jurors each score it (``scores``, one value per juror on every criterion; None: not
    scored), so its jury reaches its quorum (2 members, 2 disciplines). Returns the
    session."""
    from inspir_events.aid.cofunding import sessions

    made: dict[int, int] = {}

    def put(application, scores=(4, 3)):
        if application.year not in made:
            made[application.year] = cofunding_session(application.year).id
        session_id = made[application.year]
        sessions.add_application(committee, session_id, application.id)
        for member, value in zip(jurors, scores, strict=False):
            if value is not None:
                score_all(member, session_id, application.id, value)
        db.session.expire_all()
        return sessions.get(session_id)

    return put


# --- pipeline ----------------------------------------------------------------------
# Projects reach their states through the real use cases (aid.projects.services): a round's
# winners are promoted, proposals qualified, details filled, stages moved.

SIRET_OK = "73282932000074"  # 14 digits, valid Luhn key
RNA_OK = "W595001234"


@pytest.fixture
def support_structure(make_user):
    """An account holding the support structure role (an incubator)."""
    return make_user("incubateur@example.org", display_name="Incubateur Euratechnologies",
                     roles=(Role.SUPPORT_STRUCTURE,))


@pytest.fixture
def confirmed_round(db, voting_setup, make_need, organiser):  # noqa: F811
    """``confirmed_round(need=True)``: two teams' ideas voted on, the round closed and
    both winners confirmed; the first idea answers a need (department 80).

    Returns the voting setup namespace with ``need`` and ``winners`` added."""
    from inspir_events.voting import results as voting_results
    from inspir_events.voting import rounds as voting_rounds
    from inspir_events.voting import votes as voting_votes
    from inspir_events.voting.models import Idea

    def build(with_need: bool = True):
        setup = voting_setup()
        need = make_need(title="Se rendre à la gare sans voiture") if with_need else None
        if need is not None:
            idea = db.session.get(Idea, setup.ideas[0].id)
            idea.need_id = need.id
            db.session.commit()
        # Three votes for the first idea, one for the second.
        voting_votes.cast_vote(setup.outsider.id, setup.round.id, setup.ideas[0].id)
        voting_votes.cast_vote(setup.members[1][0].id, setup.round.id, setup.ideas[0].id)
        voting_votes.cast_vote(setup.members[1][1].id, setup.round.id, setup.ideas[0].id)
        voting_votes.cast_vote(setup.members[0][0].id, setup.round.id, setup.ideas[1].id)
        voting_rounds.close_round(organiser, setup.round.id)
        setup.winners = voting_results.confirm_winners(organiser, setup.round.id, 2)
        setup.need = need
        return setup

    return build


@pytest.fixture
def make_project(db, make_user, committee, support_structure):
    """``make_project(stage="idee", proposer=None, title=..., department="59", **details)``:
    a citizen's proposal, qualified by the committee and moved stage by stage (with
    the details each gate needs) up to ``stage``; ``stage=None`` leaves it awaiting."""
    import itertools

    from inspir_events.aid.projects import services as pipeline_services
    from inspir_events.aid.projects.stages import Stage

    counter = itertools.count(1)
    path = {"projet": [Stage.PROJET], "experimentation": [Stage.PROJET, Stage.EXPERIMENTATION],
            "diffusion": [Stage.PROJET, Stage.EXPERIMENTATION, Stage.DIFFUSION],
            "abandonne": [Stage.ABANDONNE]}

    def factory(stage: str | None = "idee", *, proposer=None, title: str | None = None,
                department: str = "59", **details):
        proposer = proposer or make_user(display_name=f"Porteuse {next(counter)}")
        project = pipeline_services.propose_project(
            proposer, title or f"Atelier numérique n°{next(counter)}",
            "Des **ateliers** pour les aidants.", department, "transports")
        if stage is None:
            return project
        pipeline_services.qualify(committee, project.id, "Dans le périmètre INS'pir.")
        wanted = {"support_structure_id": support_structure.id, "licence": "MIT",
                  "repository_url": "https://git.example.org/atelier",
                  "results": "Testé avec 40 aidants." if stage == "diffusion" else "",
                  "lessons": "Trop tôt." if stage == "abandonne" else ""}
        wanted.update(details)
        if stage != "idee":
            pipeline_services.update_project_details(
                committee, project.id, pipeline_services.DetailsInput(**wanted))
        for target in path.get(stage, []):
            pipeline_services.move_project(committee, project.id, target, f"Vers {target}")
        db.session.expire_all()
        return db.session.get(type(project), project.id)

    return factory


# --- follow-up (issue 19 §3) -------------------------------------------------------------
# An event's co-funding granted by the committee through the real use cases.

PLANNED = {  # 25,000 € planned, 10,000 € asked of the Region
    "region_share": "10 000",
    "expenses": [("Location et accueil", "15 000", "operating"),
                 ("Matériel de prototypage", "10 000", "investment")],
    "revenues": [("co_funder", "Département de la Somme", "10 000", True),
                 ("own_funds", "Fonds propres", "5 000", True)],
}


@pytest.fixture
def granted_aid(db, submitted_application, committee):
    """``granted_aid(**application_input overrides)``: the hackathon's co-funding granted,
    6,000 € operating + 4,000 € investment on the 2016 Picardie envelopes, for a planned
    cost of 25,000 € (:data:`PLANNED`). Returns its grant rows."""
    from inspir_events.aid.cofunding import decisions
    from inspir_events.aid.cofunding import services as applications
    from inspir_events.aid.cofunding.reading import ExpenseInput, RevenueInput

    def build(**overrides):
        planned = {"region_share": PLANNED["region_share"],
                   "expenses": [ExpenseInput(*line) for line in PLANNED["expenses"]],
                   "revenues": [RevenueInput(*line) for line in PLANNED["revenues"]]}
        application = submitted_application(**{**planned, **overrides})
        decisions.grant(committee, application.id, decisions.GrantInput(
            investment_cents=400_000, operating_cents=600_000))
        return applications.grants_of(application)

    return build


@pytest.fixture
def scheduled_aid(granted_aid, committee):
    """``scheduled_aid(percent=50)``: the granted aid with its schedule set by the committee
    (advance on 1 June 2016, balance on 15 December 2016); returns the aid's id (its first
    grant row's)."""
    from datetime import date

    from inspir_events.aid.followup import services

    def build(percent: int = 50, **overrides):
        rows = granted_aid(**overrides)
        services.schedule(committee, rows[0].id, services.ScheduleInput(
            percent, date(2016, 6, 1), date(2016, 12, 15)))
        return rows[0].id

    return build
