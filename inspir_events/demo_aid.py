"""Demo data of the money side: budget years, envelopes partly committed, applications,
the pipeline.

Called by :func:`inspir_events.demo.seed` after the accounts, needs and events are
committed. Two budget years: 2016 (the deliberation's rules, seeded by migration 0010,
its envelopes loaded) and the current year, opened by an administrator through the same
use case as in the interface (:func:`open_current_year`), from the previous year's
rules. The story, in the current year: the past « Rencontre santé et territoires »
(Aisne) was co-funded; its teams' ideas were voted on and the winners promoted; one
project is experimented, one diffused, one stopped with its lessons, one in maturation
with a support structure; a citizen's proposal awaits the committee; Amiens holds a
delegated envelope (:func:`seed`, the decided past written as history, one
transaction); the upcoming hackathon's organiser applies for its co-funding through the
organiser's own use cases (:func:`apply_for_hackathon`), and it awaits the committee.
Every amount respects the year's rules (checked by tests/test_demo.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from inspir_events import demo_uploads
from inspir_events.accounts.models import User
from inspir_events.aid import rules
from inspir_events.aid.cofunding import reading
from inspir_events.aid.cofunding import services as cofunding
from inspir_events.aid.cofunding.models import (
    ApplicationStatus,
    CofundingApplication,
    ExpenseLine,
    RevenueKind,
    RevenueLine,
)
from inspir_events.aid.envelopes import services as envelope_services
from inspir_events.aid.envelopes.models import Commitment, Envelope, EnvelopeMember
from inspir_events.aid.models import AidGrant, GrantKind
from inspir_events.aid.projects.models import Project, ProjectMember, ProjectMove
from inspir_events.aid.projects.rules import search_text_of
from inspir_events.aid.projects.stages import Origin, Qualification, Stage
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as years
from inspir_events.aid.years.models import AidPolicy
from inspir_events.events.models import Event
from inspir_events.extensions import db
from inspir_events.markdown import render
from inspir_events.needs.models import Need
from inspir_events.needs.rules import NeedStatus
from inspir_events.teams.models import Team, TeamMember
from inspir_events.teams.rules import name_key
from inspir_events.timeutil import utcnow
from inspir_events.voting.models import Idea, RoundWinner, Vote, VotingRound
from inspir_events.voting.rules import RoundStatus, TallyVisibility

DEMO_VOTE = ("Délibération INS'pir de la commission permanente (démonstration : les "
             "règles de l'année précédente reconduites)")
# Demo beneficiaries: a SIRET with a valid Luhn key, an association's RNA number.
SANTE_SIRET = "73282932000074"
MACHINERIE_RNA = "W802001234"

# (title, summary, team, stage, licence, repository, results, lessons, votes)
IDEAS = (
    ("Agenda partagé des maisons de santé",
     "Un agenda commun aux maisons de santé de l'Aisne, réservable par téléphone ou en ligne, "
     "pour que les patients âgés trouvent un créneau sans attendre.", 0, Stage.EXPERIMENTATION,
     "AGPL-3.0-or-later", "https://git.example.org/inspir/agenda-sante", "", "", 9),
    ("Carnet de liaison pour les aidants",
     "Un carnet papier et numérique partagé entre aidants, infirmiers et médecins.", 1,
     Stage.DIFFUSION, "CC-BY-SA-4.0", "https://doc.example.org/carnet-aidants",
     "Testé six mois à Saint-Quentin avec **40 familles** : moins d'appels perdus, "
     "des aidants rassurés. Le kit est réutilisable par toute maison de santé.", "", 7),
    ("Borne de téléconsultation en mairie",
     "Une borne dans les mairies sans médecin.", 2, Stage.ABANDONNE, None, None, "",
     "La connexion des petites mairies ne suffisait pas et les médecins n'étaient pas "
     "disponibles aux heures d'ouverture : mieux vaut partir des **tournées infirmières**.", 5),
    ("Covoiturage vers les consultations",
     "Mettre en relation patients et bénévoles pour aller aux consultations.", 0,
     Stage.PROJET, None, None, "", "", 4),
)


def _envelope(year: int, region: FormerRegion, section: Section) -> Envelope:
    return db.session.scalar(select(Envelope).where(
        Envelope.year == year, Envelope.former_region == region, Envelope.section == section,
        Envelope.parent_id.is_(None)))


def _grant(member: User, envelope: Envelope, amount: int, kind: GrantKind, reference: str,
           name: str, purpose: str, *, policy: AidPolicy, siret=None, rna=None,
           application=None, project=None, total=None) -> None:
    """Commit on the envelope and write the grant, as the committee's decision does."""
    envelope.committed_cents += amount
    commitment = Commitment(envelope_id=envelope.id, amount_cents=amount,
                            object_type="cofunding_application" if application else "project",
                            object_id=str((application or project).id),
                            decided_by_id=member.id, reason=purpose)
    db.session.add(commitment)
    db.session.flush()
    db.session.add(AidGrant(
        kind=kind, year=policy.year, reference=reference, envelope_id=envelope.id,
        policy_id=policy.id,
        commitment_id=commitment.id, section=envelope.section, amount_cents=amount,
        total_cost_cents=total, beneficiary_name=name, beneficiary_siret=siret,
        beneficiary_rna=rna, purpose=purpose, decided_by_id=member.id,
        application_id=application.id if application else None,
        project_id=project.id if project else None))


def _application(event: Event, applicant: User, name: str, lines, revenues, share: int,
                 policy: AidPolicy, **identity) -> CofundingApplication:
    application = CofundingApplication(
        event_id=event.id, year=policy.year, applicant_id=applicant.id, beneficiary_name=name,
        purpose=f"Co-financement de l'événement INS'pir « {event.title} »",
        region_share_cents=share, status=ApplicationStatus.SUBMITTED,
        submitted_at=utcnow() - timedelta(days=3),
        total_cost_cents=sum(amount for _, amount, _ in lines),
        other_revenues_cents=sum(amount for _, _, amount, _ in revenues),
        beneficiary_siret=identity.get("siret"), beneficiary_rna=identity.get("rna"))
    application.expense_lines = [ExpenseLine(position=i, label=label, amount_cents=amount,
                                             section=section)
                                 for i, (label, amount, section) in enumerate(lines)]
    application.revenue_lines = [RevenueLine(position=i, kind=kind, label=label,
                                             amount_cents=amount, confirmed=confirmed)
                                 for i, (kind, label, amount, confirmed) in enumerate(revenues)]
    verdict = rules.check_event_cofunding(application.total_cost_cents, share,
                                          application.other_revenues_cents, False,
                                          years.policy_of(policy))
    if not verdict.eligible:  # the demo shows applications within the rules (kept under -O)
        raise RuntimeError(f"demo application outside the rules: {verdict.codes}")
    db.session.add(application)
    db.session.flush()
    return application


def _past_round(event: Event, users: dict[str, User],
                need: Need) -> tuple[VotingRound, list[Idea]]:
    """Teams, ideas, a closed round with its votes and confirmed winners."""
    people = ["citoyenne", "structure", "dev", "design", "citoyen", "orga2"]
    teams = []
    for index, name in enumerate(("Les Soignants connectés", "Aidants solidaires",
                                  "Villages en santé")):
        lead = users[people[index]]
        team = Team(event_id=event.id, name=name, name_key=name_key(name), max_size=6,
                    lead_id=lead.id, member_count=1, pitch="")
        team.member_rows = [TeamMember(user_id=lead.id, event_id=event.id)]
        db.session.add(team)
        teams.append(team)
    db.session.flush()
    closed = event.ends_at
    ideas = []
    for title, summary, team_index, *_rest in IDEAS:
        team = teams[team_index]
        ideas.append(Idea(event_id=event.id, team_id=team.id, author_id=team.lead_id,
                          need_id=need.id, title=title, summary=summary,
                          summary_html=render(summary), created_at=closed - timedelta(hours=3)))
    db.session.add_all(ideas)
    voting_round = VotingRound(
        event_id=event.id, title="Vote final", votes_per_participant=4, allow_own_team=True,
        visibility=TallyVisibility.LIVE, status=RoundStatus.CLOSED,
        opened_at=closed - timedelta(hours=1), closed_at=closed, winners_confirmed_at=closed,
        ideas=ideas)
    db.session.add(voting_round)
    db.session.flush()
    voters = [u for u in users.values()][:10]
    for idea, (*_head, votes) in zip(ideas, IDEAS, strict=True):
        for voter in voters[:votes]:
            db.session.add(Vote(round_id=voting_round.id, voter_id=voter.id, idea_id=idea.id,
                                created_at=closed - timedelta(minutes=30)))
    for rank, (idea, (*_head, votes)) in enumerate(zip(ideas, IDEAS, strict=True), start=1):
        db.session.add(RoundWinner(round_id=voting_round.id, idea_id=idea.id, rank=rank,
                                   votes=votes))
    db.session.flush()
    return voting_round, ideas


def open_year(admin: User, year: int) -> AidPolicy:
    """A budget year opened by the administrator from the previous year's rules (the use
    case of the budget years' page, committed), unless it is open already."""
    if years.current(year) is not None:
        return years.current(year)
    data = years.starting_rules(year, years.START_PREVIOUS)
    data = years.RulesInput(**{**data.__dict__, "vote_reference": DEMO_VOTE,
                               "vote_date": date(year, 1, 15)})
    return years.open_year(admin, year, data)


def open_current_year(admin: User) -> AidPolicy:
    """The 2016 envelopes loaded, and the current budget year opened."""
    years.load_envelopes(2016)
    return open_year(admin, years.today().year)


def seed(users: dict[str, User], needs: list[Need], events: list[Event],
         policy: AidPolicy) -> None:
    """Add the money side's decided past (the current year's) to the caller's transaction:
    a delegated envelope, the past meeting's co-funding, the pipeline and its grants.
    ``policy`` is the current year's rules, frozen by these decisions."""
    year = policy.year
    policy.frozen_at = utcnow()
    comite = users["comite"]
    rencontre = events[2]

    # The delegated envelope of a digital venue in Amiens, with its own decider.
    picardie_op = _envelope(year, FormerRegion.PICARDIE, Section.OPERATING)
    picardie_inv = _envelope(year, FormerRegion.PICARDIE, Section.INVESTMENT)
    delegated = Envelope(year=year, former_region=FormerRegion.PICARDIE,
                         section=Section.OPERATING, amount_cents=2_000_000, committed_cents=0,
                         holder_name="Tiers-lieu La Machinerie (Amiens)")
    picardie_op.children.append(delegated)
    picardie_op.committed_cents += delegated.amount_cents
    db.session.flush()
    db.session.add(Commitment(envelope_id=picardie_op.id, amount_cents=delegated.amount_cents,
                              object_type="envelope", object_id=str(delegated.id),
                              decided_by_id=users["admin"].id, reason=delegated.holder_name))
    db.session.add(EnvelopeMember(envelope_id=delegated.id, user_id=users["territoire"].id,
                                  added_by_id=users["admin"].id))

    # The past meeting: co-funded (9,000 € of 18,000 €).
    granted = _application(
        rencontre, users["orga"], "Maison de santé pluriprofessionnelle de Saint-Quentin",
        (("Location de salle et accueil", 400_000, Section.OPERATING),
         ("Animation et facilitation", 900_000, Section.OPERATING),
         ("Matériel de prototypage", 500_000, Section.INVESTMENT)),
        ((RevenueKind.CO_FUNDER, "Agence régionale de santé", 500_000, True),
         (RevenueKind.OWN_FUNDS, "Fonds propres", 400_000, True)),
        900_000, policy, siret=SANTE_SIRET)
    granted.status, granted.decided_by_id = ApplicationStatus.GRANTED, comite.id
    granted.decided_at, granted.policy_id = utcnow() - timedelta(days=40), policy.id
    reference = envelope_services.decision_reference(year, "COF", granted.id)
    _grant(comite, picardie_op, 600_000, GrantKind.EVENT_COFUNDING, reference,
           granted.beneficiary_name, granted.purpose, policy=policy, siret=SANTE_SIRET,
           application=granted, total=granted.total_cost_cents)
    _grant(comite, picardie_inv, 300_000, GrantKind.EVENT_COFUNDING, reference,
           granted.beneficiary_name, granted.purpose, policy=policy, siret=SANTE_SIRET,
           application=granted, total=granted.total_cost_cents)

    # The pipeline: the meeting's winners promoted, each at its stage.
    need = needs[4]
    voting_round, ideas = _past_round(rencontre, users, need)
    for idea, (title, summary, _team, stage, licence, repository, results, lessons,
               votes) in zip(ideas, IDEAS, strict=True):
        project = Project(
            title=title, summary=summary, summary_html=render(summary), stage=stage,
            origin=Origin.ROUND_WINNER, qualification=Qualification.QUALIFIED,
            idea_id=idea.id, round_id=voting_round.id, event_id=rencontre.id,
            need_id=need.id, team_id=idea.team_id, vote_rank=ideas.index(idea) + 1,
            vote_count=votes, department_code=rencontre.department_code,
            theme_code=need.theme_code, licence=licence, repository_url=repository,
            results=results, results_html=render(results) if results else "",
            lessons=lessons, lessons_html=render(lessons) if lessons else "",
            support_structure_id=users["structure"].id if stage != Stage.IDEE else None)
        project.search_text = search_text_of(project)
        project.member_rows = [ProjectMember(user_id=idea.author_id, role="lead")]
        db.session.add(project)
        db.session.flush()
        path = [Stage.IDEE, Stage.PROJET, Stage.EXPERIMENTATION, Stage.DIFFUSION]
        steps = path[:path.index(stage) + 1] if stage in path else [Stage.IDEE, Stage.PROJET,
                                                                    Stage.ABANDONNE]
        for before, after in zip(steps, steps[1:], strict=False):
            db.session.add(ProjectMove(project_id=project.id, from_stage=before,
                                       to_stage=after, decided_by_id=comite.id,
                                       note="Décision du comité (démonstration)."))
        if stage in (Stage.EXPERIMENTATION, Stage.DIFFUSION):
            reference = envelope_services.decision_reference(year, "PRJ", project.id)
            _grant(comite, picardie_op, 500_000, GrantKind.PROJECT_OPERATING, reference,
                   "Maison de santé pluriprofessionnelle de Saint-Quentin", title,
                   policy=policy, siret=SANTE_SIRET, project=project)
            _grant(comite, picardie_inv, 300_000, GrantKind.PROJECT_INVESTMENT, reference,
                   "Maison de santé pluriprofessionnelle de Saint-Quentin", title,
                   policy=policy, siret=SANTE_SIRET, project=project)
        if stage == Stage.PROJET:
            _grant(users["territoire"], delegated, 400_000, GrantKind.STRUCTURE,
                   envelope_services.decision_reference(year, "PRJ", project.id),
                   "Association La Machinerie", f"Accompagnement du projet « {title} »",
                   policy=policy, rna=MACHINERIE_RNA, project=project)
    need.status = NeedStatus.IN_EXPERIMENTATION

    # A citizen's proposal, awaiting qualification.
    summary = ("Des bénévoles conduisent déjà leurs voisins : un outil simple pour se "
               "coordonner sans cahier ni SMS.")
    proposal = Project(title="Covoiturage solidaire des petites communes", summary=summary,
                       summary_html=render(summary), stage=Stage.IDEE, origin=Origin.PROPOSAL,
                       qualification=Qualification.AWAITING, need_id=needs[7].id,
                       proposed_by_id=users["citoyenne"].id, department_code="80",
                       theme_code=needs[7].theme_code)
    proposal.search_text = search_text_of(proposal)
    proposal.member_rows = [ProjectMember(user_id=users["citoyenne"].id, role="lead")]
    db.session.add(proposal)
    db.session.flush()


# The upcoming hackathon's budget (10,000 € asked of 24,000 €).
HACKATHON_APPLICATION = reading.ApplicationInput(
    beneficiary_name="Association La Machinerie", beneficiary_identifier=MACHINERIE_RNA,
    purpose="Co-financement de l'événement INS'pir « Hackathon des mobilités rurales »",
    region_share="10 000",
    expenses=[reading.ExpenseInput("Location du tiers-lieu (2 jours)", "6 000",
                                   Section.OPERATING.value),
              reading.ExpenseInput("Repas et accueil des participants", "9 000",
                                   Section.OPERATING.value),
              reading.ExpenseInput("Cartes électroniques et capteurs", "9 000",
                                   Section.INVESTMENT.value)],
    revenues=[reading.RevenueInput(RevenueKind.CO_FUNDER.value, "Amiens Métropole", "8 000",
                                   False),
              reading.RevenueInput(RevenueKind.RECEIPTS.value, "Participation des entreprises",
                                   "6 000", True)])


def apply_for_hackathon(admin: User, organiser: User,
                        hackathon: Event) -> CofundingApplication:
    """The hackathon's organiser applies for its co-funding as anyone does: a draft saved,
    its detailed budget sent as a PDF (issue 20 §4), then submitted to the committee under
    its budget year's rules (opened first when the hackathon falls in the next year)."""
    open_year(admin, cofunding.budget_year(hackathon))
    cofunding.save_draft(organiser, hackathon.id, HACKATHON_APPLICATION)
    demo_uploads.send_hackathon_budget(organiser, hackathon)  # its budget as a PDF
    return cofunding.submit(organiser, hackathon.id, HACKATHON_APPLICATION)
