"""Demo data of the calls for projects (issue 19 §5), written through the use cases.

Called at the end of :func:`inspir_events.demo.seed`, once the money side exists: the
committee prepares and opens a call of the current budget year drawing on the Picardie
envelopes, names a jury of four people in four disciplines, and three applications come
in from the demo's projects (two experimentation grants asked by Camille, a project's
team lead, and the support structure grant asked by Sami's structure). Karim, a jury
member, declares a conflict of interest on one of them and is recused from it; the
others score every application, so the jury's ranking shows (and its quorum is reached
everywhere). Every amount is within the year's caps, counting what the projects already
received.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.aid.calls import applying
from inspir_events.aid.calls import services as calls
from inspir_events.aid.calls.models import Call
from inspir_events.aid.calls.rules import Kind, Line
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.jury import services as jury
from inspir_events.aid.jury.rules import CRITERION_CODES
from inspir_events.aid.projects.models import Project
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as years
from inspir_events.extensions import db
from inspir_events.recusal import services as recusal
from inspir_events.timeutil import utcnow

CALL_TITLE = "Appel à projets : santé et mobilité dans les territoires ruraux"
CALL_TEXT = (
    "La Région soutient les projets INS'pir qui améliorent l'**accès aux soins** et la "
    "**mobilité** dans les communes rurales de Picardie.\n\n"
    "- équipes de projets en maturation ou en expérimentation : aide à l'expérimentation "
    "(fonctionnement et investissement) ;\n"
    "- structures d'accompagnement : aide par projet accompagné.\n\n"
    "Un jury pluridisciplinaire note chaque candidature sur les principes de la charte, "
    "la faisabilité et la reproductibilité.")
# (local part, discipline)
JURY = (("comite", "economy"), ("comite2", "territory"), ("dev", "digital"),
        ("citoyen", "inhabitant"))
RECUSED = "citoyen"  # declares a conflict on the second application
CONFLICT_REASON = "Je suis bénévole de l'association qui porte ce covoiturage."
SANTE_SIRET = "73282932000074"
COVOIT_RNA = "W022001234"
MACHINERIE_RNA = "W802001234"
# Per application, each member's score (the same on every criterion, but one).
SCORES = {
    "comite": (4, 3, 3), "comite2": (3, 4, 2), "dev": (5, 4, 3), "citoyen": (4, None, 3),
}


def _project(title: str) -> Project:
    return db.session.scalar(select(Project).where(Project.title == title))


def _applications(users: dict[str, User]):
    """(applicant, project, kind, input) of the three demo applications."""
    agenda = _project("Agenda partagé des maisons de santé")
    covoiturage = _project("Covoiturage vers les consultations")
    return (
        (users["citoyenne"], agenda, Kind.EXPERIMENTATION, applying.ApplicationInput(
            description="Équiper les **trois maisons de santé** pilotes de tablettes "
                        "d'accueil pour réserver sans téléphone.",
            links="https://git.example.org/inspir/agenda-sante",
            beneficiary_name="Maison de santé pluriprofessionnelle de Saint-Quentin",
            beneficiary_identifier=SANTE_SIRET, investment_cents=200_000,
            lines=[Line("Tablettes d'accueil (3)", 200_000, Section.INVESTMENT)])),
        (users["citoyenne"], covoiturage, Kind.EXPERIMENTATION, applying.ApplicationInput(
            description="Expérimenter six mois la mise en relation des patients et des "
                        "bénévoles conducteurs dans le Vermandois.",
            links="https://doc.example.org/covoiturage-consultations",
            beneficiary_name="Association Covoiturage solidaire du Vermandois",
            beneficiary_identifier=COVOIT_RNA, operating_cents=400_000,
            investment_cents=300_000,
            lines=[Line("Animation du réseau de bénévoles", 250_000, Section.OPERATING),
                   Line("Communication en mairie", 150_000, Section.OPERATING),
                   Line("Téléphones et serveur", 300_000, Section.INVESTMENT)])),
        (users["structure"], covoiturage, Kind.STRUCTURE, applying.ApplicationInput(
            description="Deux jours d'accompagnement de l'équipe : modèle économique et "
                        "partenariats avec les transporteurs.",
            beneficiary_name="Association La Machinerie",
            beneficiary_identifier=MACHINERIE_RNA, structure_cents=100_000,
            lines=[Line("Accompagnement (2 jours)", 100_000, Section.OPERATING)])),
    )


def seed(users: dict[str, User]) -> Call:
    """The open call, its jury, three applications submitted, one member recused from
    one of them, the scores; each step through its use case (each commits)."""
    comite = users["comite"]
    year = years.today().year
    envelopes = list(db.session.scalars(select(Envelope.id).where(
        Envelope.year == year, Envelope.former_region == FormerRegion.PICARDIE,
        Envelope.parent_id.is_(None))))
    now = utcnow().replace(microsecond=0)
    call = calls.create_call(comite, calls.CallInput(
        title=CALL_TITLE, text=CALL_TEXT, year=year, opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=20), theme_codes=("sante", "transports"),
        department_codes=("02", "60", "80"), envelope_ids=envelopes))
    calls.open_call(comite, call.id)
    for local, discipline in JURY:
        jury.name_member(comite, calls.JURY_SUBJECT, call.id, users[local].id, discipline)
    submitted = [applying.submit(applicant, call.id, project.id, kind, data)
                 for applicant, project, kind, data in _applications(users)]
    recusal.declare_conflict(users[RECUSED], "call_application", submitted[1].id,
                             CONFLICT_REASON)
    for local, marks in SCORES.items():
        for application, mark in zip(submitted, marks, strict=True):
            if mark is None:
                continue  # recused: « déport »
            scores = {code: jury.ScoreInput(mark, "") for code in CRITERION_CODES}
            scores["feasibility"] = jury.ScoreInput(max(mark - 1, 0),
                                                    "Calendrier serré." if mark > 3 else "")
            jury.score(users[local], calls.JURY_SUBJECT, call.id, application.id, scores)
    return db.session.get(Call, call.id)
