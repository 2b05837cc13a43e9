"""Demo data for development: a few accounts of each role, needs across the region,
past and coming events, and a workshop running today with its voting round open.

Only ``flask seed-demo`` calls this, and it refuses outside development. The
demo password is public on purpose: these accounts exist on developers'
machines only.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from inspir_events import (
    demo_aid,
    demo_calls,
    demo_discussions,
    demo_followup,
    demo_search,
    demo_sessions,
    demo_territories,
    demo_uploads,
)
from inspir_events.accounts import services as account_services
from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.aid.projects import services as pipeline
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Stage
from inspir_events.events import services as event_services
from inspir_events.events.models import Event, EventOrganiser, Registration
from inspir_events.events.rules import (
    Attendance,
    EventKind,
    EventStatus,
    RegistrationStatus,
    RunBy,
)
from inspir_events.extensions import db
from inspir_events.follows.models import Follow
from inspir_events.labels.charter import PRINCIPLES, LabelStatus, SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.markdown import render
from inspir_events.needs import services as need_services
from inspir_events.needs.models import Need, NeedSupport
from inspir_events.reference.models import Skill
from inspir_events.store import services as store_services
from inspir_events.teams.models import Team, TeamMember
from inspir_events.teams.rules import name_key
from inspir_events.timeutil import utcnow
from inspir_events.voting.models import Idea, Vote, VotingRound
from inspir_events.voting.rules import RoundStatus, TallyVisibility

# Development demo data printed to the developer; `flask seed-demo` refuses outside development.
DEMO_PASSWORD = "inspir-demo-2016"  # noqa: S105  # nosec B105 # public demo password
# A reserved documentation domain (RFC 2606) that the sign-in form accepts: email-validator
# refuses special-use names such as ".test" or ".localhost", so logins there could not be used.
DEMO_DOMAIN = "demo.inspir.example"

# (email local part, display name, department, roles, skills)
DEMO_ACCOUNTS = (
    ("admin", "Amina Admin", "80", (Role.ADMIN,), ()),
    ("comite", "Claude Comité", "59", (Role.COMMITTEE,), ("expert_metier",)),
    ("comite2", "Chantal Comité", "02", (Role.COMMITTEE,), ("juridique_economie",)),
    ("orga", "Olivier Organisateur", "62", (Role.ORGANISER,), ("animation",)),
    ("orga2", "Odile Organisatrice", "60", (Role.ORGANISER,), ("communication",)),
    ("structure", "Sami Structure", "59", (Role.SUPPORT_STRUCTURE,), ("expert_metier",)),
    ("citoyenne", "Camille Citoyenne", "80", (), ("usager",)),
    ("citoyen", "Karim Citoyen", "59", (), ("usager",)),
    ("dev", "Dominique Dev", "62", (), ("developpement", "donnees")),
    ("design", "Denise Design", "60", (), ("design",)),
    ("territoire", "Tiana Territoire", "80", (), ("animation",)),  # decides a delegated envelope
)


# (author, title, description, department, commune, theme, tags, supporters)
DEMO_NEEDS = (
    ("citoyenne", "Un bus le dimanche pour rejoindre l'hôpital",
     "Le dimanche, aucun bus ne relie les villages du **Vimeu** à l'hôpital d'Abbeville.\n\n"
     "- les visites aux proches sont impossibles sans voiture\n"
     "- les taxis coûtent plus de 40 €", "80", "Abbeville", "transports",
     ("mobilité", "ruralité"), ("citoyen", "dev", "design", "orga")),
    ("citoyen", "Savoir quelles aides sociales me concernent",
     "Les démarches sont éparpillées entre la CAF, le département et la commune. "
     "Un outil simple pour savoir à quoi j'ai droit, en langage clair.", "59", "Roubaix",
     "inclusion", ("accès aux droits", "démarches"), ("citoyenne", "design")),
    ("dev", "Trouver un stage près de chez soi quand on n'a pas de réseau",
     "Les collégiens de 3e des quartiers prioritaires peinent à trouver un stage "
     "d'observation. Les entreprises volontaires ne sont pas visibles.", "62", "Lens",
     "education", ("stage", "jeunesse"), ("citoyenne", "citoyen", "orga2")),
    ("design", "Partager les jardins familiaux inoccupés",
     "Des parcelles restent en friche pendant que la liste d'attente s'allonge.", "60",
     "Beauvais", "environnement", ("jardins", "alimentation"), ("citoyen",)),
    ("citoyenne", "Réserver un créneau chez un médecin sans passer des heures au téléphone",
     "Dans l'Aisne, les cabinets sont saturés ; un service partagé entre maisons de santé "
     "aiderait les patients âgés.", "02", "Saint-Quentin", "sante",
     ("santé", "seniors"), ("citoyen", "dev", "design", "comite", "structure")),
    ("citoyen", "Connaître les horaires réels des TER en cas de grève",
     "Les informations arrivent trop tard et ne disent pas quels cars remplacent les trains.",
     "59", "Lille", "transports", ("train", "information voyageurs"), ("citoyenne",)),
    ("dev", "Ouvrir les données de fréquentation des bibliothèques",
     "Pour adapter les horaires d'ouverture aux usages, les habitants veulent voir les "
     "chiffres.", "62", "Arras", "culture", ("données ouvertes", "culture"), ()),
    ("design", "Aider les petites communes à organiser le covoiturage solidaire",
     "Des bénévoles conduisent déjà des voisins ; ils se coordonnent par SMS et cahier.",
     "80", "Doullens", "citoyennete", ("covoiturage", "bénévolat"), ("citoyenne", "orga")),
)


# (organiser, title, kind, runs, days from now, hours long, venue, address, commune, department,
#  capacity, needs addressed (indexes in DEMO_NEEDS), themes, status, labelled, registered)
DEMO_EVENTS = (
    ("orga", "Hackathon des mobilités rurales", EventKind.HACKATHON, RunBy.THIRD_PARTY, 20, 30,
     "Tiers-lieu La Machinerie", "12 rue Dijon", "Amiens", "80", 30, (0, 7),
     ("transports", "citoyennete"), EventStatus.PUBLISHED, True,
     ("citoyenne", "citoyen", "dev", "design")),
    ("orga2", "Atelier accès aux droits", EventKind.WORKSHOP, RunBy.REGION, 10, 3,
     "Médiathèque de l'Alhambra", "2 rue de l'Alhambra", "Roubaix", "59", 3, (1,),
     ("inclusion",), EventStatus.PUBLISHED, False, ("citoyenne", "dev", "design", "citoyen")),
    ("orga", "Rencontre santé et territoires", EventKind.MEETING, RunBy.THIRD_PARTY, -30, 4,
     "Maison de santé", "5 place de l'Hôtel de Ville", "Saint-Quentin", "02", None, (4,),
     ("sante",), EventStatus.PUBLISHED, True, ("citoyenne", "structure")),
    ("orga2", "Groupe de travail données culturelles", EventKind.WORKING_GROUP,
     RunBy.THIRD_PARTY, 45, 3, "Archives départementales", "12 rue du 19 mars 1962", "Arras",
     "62", 20, (6,), ("culture",), EventStatus.DRAFT, False, ()),
)

DEMO_EVENT_TEXT = (
    "Une journée pour **partir des besoins** des habitants et imaginer des réponses "
    "numériques avec eux : usagers, développeurs, designers, experts du territoire.\n\n"
    "- présentation des besoins publiés\n- travail en équipes\n- restitution et vote"
)


def _seed_events(users: dict[str, User], needs: list[Need]) -> list[Event]:
    events = []
    start_of_day = utcnow().replace(hour=8, minute=0, second=0, microsecond=0)
    for (organiser, title, kind, runs, days, hours, venue, address, commune, department,
         capacity, need_indexes, themes, status, labelled, registered) in DEMO_EVENTS:
        starts = start_of_day + timedelta(days=days)
        event = Event(created_by_id=users[organiser].id, status=status,
                                     sequence=0, confirmed_count=0)
        event_services.fill(event, event_services.EventInput(
            title=title, kind=kind, description=DEMO_EVENT_TEXT, starts_at=starts,
            ends_at=starts + timedelta(hours=hours), venue_name=venue, venue_address=address,
            venue_commune=commune, department_code=department, run_by=runs, capacity=capacity,
            need_ids=[needs[i].id for i in need_indexes], theme_codes=list(themes)))
        event.organiser_rows = [EventOrganiser(user_id=users[organiser].id)]
        db.session.add(event)
        db.session.flush()
        events.append(event)
        if status == EventStatus.PUBLISHED:
            need_services.mark_addressed(needs[i].id for i in need_indexes)
        for position, local in enumerate(registered, start=1):
            confirmed = capacity is None or event.confirmed_count < capacity
            db.session.add(Registration(
                event_id=event.id, user_id=users[local].id, position=position,
                status=RegistrationStatus.CONFIRMED if confirmed
                else RegistrationStatus.WAITLISTED))
            event.confirmed_count += confirmed
        if labelled:
            db.session.add(LabelRequest(
                subject_type=SubjectType.EVENT, subject_id=event.id, subject_title=title,
                subject_url=f"/events/{event.id}", requested_by_id=users[organiser].id,
                answers={p.code: "Réponse de démonstration." for p in PRINCIPLES},
                status=LabelStatus.GRANTED, decided_by_id=users["comite"].id,
                decided_at=utcnow(), reason="Conforme à la charte INS'pir."))
    return events


# The event running today, with its open round: (team, lead, members), ideas (title, summary,
# team index, author) and the votes already cast (voter, idea indexes). Nobody votes for their
# own team's idea (the round does not allow it); Camille, in no team, still has her votes.
LIVE_TEAMS = (("Stages pour tous", "dev", ("design",)),
              ("Le réseau des entreprises", "citoyen", ("territoire",)))
LIVE_IDEAS = (
    ("Carte des entreprises qui accueillent", "Une carte des entreprises du bassin minier "
     "prêtes à accueillir un collégien de 3e, avec les métiers qu'elles font découvrir.", 0,
     "dev"),
    ("Parrainage par des salariés du quartier", "Des salariés volontaires ouvrent leur réseau "
     "à un collégien : un appel, une visite, une recommandation.", 1, "citoyen"),
    ("Bourse aux stages dans l'ENT du collège", "Les offres de stage publiées directement dans "
     "l'espace numérique de travail que les familles consultent déjà.", 0, "design"),
)
LIVE_VOTES = (("citoyen", (0, 2)), ("territoire", (0,)), ("dev", (1,)), ("structure", (0, 1)))


def _seed_live_event(users: dict[str, User], needs: list[Need]) -> Event:
    """A day-long workshop running now (started two hours ago, ends in six): confirmed and
    checked-in participants, two teams, three ideas and a round open with its first votes, so
    that a newcomer sees live voting at work."""
    now = utcnow().replace(second=0, microsecond=0)
    organiser = users["orga2"]
    event = Event(created_by_id=organiser.id, status=EventStatus.PUBLISHED, sequence=0,
                  confirmed_count=0)
    event_services.fill(event, event_services.EventInput(
        title="Atelier-défi : un stage de 3e pour chacun", kind=EventKind.WORKSHOP,
        description=DEMO_EVENT_TEXT, starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6), venue_name="Louvre-Lens Vallée",
        venue_address="Rue Paul Bert", venue_commune="Lens", department_code="62",
        run_by=RunBy.THIRD_PARTY, capacity=20, need_ids=[needs[2].id],
        theme_codes=["education"]))
    event.organiser_rows = [EventOrganiser(user_id=organiser.id)]
    db.session.add(event)
    db.session.flush()
    need_services.mark_addressed([needs[2].id])
    people = ("citoyenne", "citoyen", "dev", "design", "territoire", "structure")
    for position, local in enumerate(people, start=1):
        db.session.add(Registration(
            event_id=event.id, user_id=users[local].id, position=position,
            status=RegistrationStatus.CONFIRMED, attendance=Attendance.PRESENT,
            checked_in_at=event.starts_at + timedelta(minutes=5 * position)))
    event.confirmed_count = len(people)
    teams = []
    for name, lead, members in LIVE_TEAMS:
        team = Team(event_id=event.id, name=name, name_key=name_key(name), max_size=6,
                    lead_id=users[lead].id, member_count=1 + len(members),
                    pitch="Partir du besoin des collégiens du bassin minier.")
        team.member_rows = [TeamMember(user_id=users[local].id, event_id=event.id)
                            for local in (lead, *members)]
        db.session.add(team)
        teams.append(team)
    db.session.flush()
    ideas = [Idea(event_id=event.id, team_id=teams[team].id, author_id=users[author].id,
                  need_id=needs[2].id, title=title, summary=summary,
                  summary_html=render(summary), created_at=now - timedelta(hours=1))
             for title, summary, team, author in LIVE_IDEAS]
    db.session.add_all(ideas)
    voting_round = VotingRound(
        event_id=event.id, title="Vote des participants", votes_per_participant=2,
        allow_own_team=False, visibility=TallyVisibility.LIVE, status=RoundStatus.OPEN,
        opened_at=now - timedelta(minutes=30), closes_at=now + timedelta(hours=5),
        ideas=ideas)
    db.session.add(voting_round)
    db.session.flush()
    for voter, chosen in LIVE_VOTES:
        db.session.add_all(Vote(round_id=voting_round.id, voter_id=users[voter].id,
                                idea_id=ideas[i].id, created_at=now - timedelta(minutes=20))
                           for i in chosen)
    db.session.add(LabelRequest(
        subject_type=SubjectType.EVENT, subject_id=event.id, subject_title=event.title,
        subject_url=f"/events/{event.id}", requested_by_id=organiser.id,
        answers={p.code: "Réponse de démonstration." for p in PRINCIPLES},
        status=LabelStatus.GRANTED, decided_by_id=users["comite"].id, decided_at=utcnow(),
        reason="Conforme à la charte INS'pir."))
    return event


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def has_demo_accounts() -> bool:
    return bool(db.session.scalar(
        select(func.count()).select_from(User).where(User.email.like(f"%@{DEMO_DOMAIN}"))
    ))


def seed() -> bool:
    """Create the demo accounts when the database holds no account: the people, needs and
    events in one transaction, then the money side (:mod:`inspir_events.demo_aid`)."""
    if not is_empty():
        return False
    hashed = account_services.passwords().hash(DEMO_PASSWORD)
    skills = {s.code: s for s in db.session.scalars(select(Skill))}
    users: dict[str, User] = {}
    for local, name, department, roles, skill_codes in DEMO_ACCOUNTS:
        user = User(
            email=f"{local}@{DEMO_DOMAIN}",
            display_name=name,
            password_hash=hashed,
            department_code=department,
            skills=[skills[c] for c in skill_codes if c in skills],
            email_verified_at=utcnow(),  # demo accounts act at once (no mailbox behind them)
        )
        user.role_rows = [UserRole(role=r) for r in roles]
        db.session.add(user)
        users[local] = user
    db.session.flush()
    needs = []
    for author, title, text, dept, commune, theme, tags, supporters in DEMO_NEEDS:
        need = Need(author_id=users[author].id, supporters_count=len(supporters))
        needs.append(need)
        need_services.fill(need, need_services.NeedInput(
            title=title, description=text, department_code=dept, theme_code=theme,
            commune=commune, tags=list(tags)))
        db.session.add(need)
        db.session.flush()
        db.session.add_all(NeedSupport(need_id=need.id, user_id=users[s].id) for s in supporters)
        # Supporting a need follows it (needs/services.py set_support).
        db.session.add_all(Follow(user_id=users[s].id, subject_type="need", subject_id=need.id)
                           for s in supporters)
    events = _seed_events(users, needs)
    _seed_live_event(users, needs)
    db.session.commit()
    # The money side: the current budget year opened and the hackathon's application sent
    # through their own use cases (each commits), the decided past as history.
    policy = demo_aid.open_current_year(users["admin"])
    demo_aid.seed(users, needs, events, policy)
    db.session.commit()
    demo_aid.apply_for_hackathon(users["admin"], users["orga"], events[0])
    _seed_evaluation_story(users)
    demo_followup.seed(users)  # an aid paid in two parts, with its final report
    demo_calls.seed(users)  # a call for projects, its jury and scored applications
    demo_sessions.seed(users, events)  # the co-funding sessions and their juries
    demo_discussions.seed(users)  # conversations, and a comment awaiting the moderators
    demo_uploads.seed(users, events[0])  # pictures of an event, a project, a structure
    demo_search.seed(users)  # the structure's presentation: the search finds every kind
    demo_territories.seed(users)  # a need and a project of Liévin (CA de Lens - Liévin)
    return True


def _seed_evaluation_story(users: dict[str, User]) -> None:
    """What the programme's evaluation counts besides the rest of the story, through the
    use cases: a citizen wants to reproduce the diffused project (« Je veux le
    reproduire »), and the committee orients his proposal to another regional programme
    (subsidiarity). Neither is a demo account playing a role in tests/authz/world.py."""
    diffused = db.session.scalar(select(Project.id).where(Project.stage == Stage.DIFFUSION)
                                 .order_by(Project.id).limit(1))
    store_services.reproduce(users["citoyen"], diffused,
                             "Je voudrais le proposer aux aidants de mon quartier, à Roubaix.")
    proposal = pipeline.propose_project(
        users["citoyen"], "Cours de soutien entre étudiants du campus",
        "Des étudiants de licence aident ceux de première année, le soir, à la "
        "bibliothèque universitaire.", "59", "education")
    pipeline.orient_to_programme(
        users["comite2"], proposal.id, "projets_etudiants",
        "Un projet d'étudiants : le dispositif régional des projets étudiants l'accompagne.")


def logins_text() -> str:
    lines = ["", "Demo accounts (development only), password for all: " + DEMO_PASSWORD]
    for local, name, _dept, roles, _skills in DEMO_ACCOUNTS:
        role_names = ", ".join(r.value for r in roles) or "citizen"
        email = f"{local}@{DEMO_DOMAIN}"
        lines.append(f"  {email:<31} {name:<22} {role_names}")
    return "\n".join(lines)
