"""Fill a migrated database with many realistic events, fast (one transaction, SQLAlchemy core).

Used by ``events_feed.py``; also runnable alone against any migrated database::

    DATABASE_URL=sqlite:////tmp/x.db .venv/bin/python bench/seed_events.py 300

Events get French titles and Markdown descriptions of a few hundred characters
(``description_html`` rendered by :func:`inspir_events.markdown.render`, as the app
does), the five departments weighted by population, real communes and venues, the
five kinds, one to three themes, dates from 20 days ago to six months ahead (Paris
daytime, one to eight hours long, a few over two days), capacities and registration
windows, a sequence > 0 for some (edited after publication), a few cancelled and a
few drafts (drafts are in no feed). One organiser account (``BENCH_EMAIL``, role
organiser) runs them all, with a co-organiser on some.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import timedelta

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

from sqlalchemy import func, insert, select  # noqa: E402

from inspir_events import markdown  # noqa: E402
from inspir_events.accounts import services as account_services  # noqa: E402
from inspir_events.accounts.models import Role, User, UserRole  # noqa: E402
from inspir_events.app import create_app  # noqa: E402
from inspir_events.events.models import Event, EventOrganiser, event_theme  # noqa: E402
from inspir_events.events.rules import EventKind, EventStatus, RunBy  # noqa: E402
from inspir_events.extensions import db  # noqa: E402
from inspir_events.reference.models import Theme  # noqa: E402
from inspir_events.timeutil import utcnow  # noqa: E402

BENCH_EMAIL = "organiser@bench.inspir.example"
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - throw-away benchmark database
PAST_DAYS = 20
AHEAD_DAYS = 182

# (commune, venue, address) per department
VENUES = {
    "02": [("Saint-Quentin", "Médiathèque Guy-de-Maupassant", "1 rue Émile-Zola"),
           ("Soissons", "Arsenal", "Rue Saint-Jean-des-Vignes"),
           ("Laon", "Maison des arts et loisirs", "Place Aubry"),
           ("Château-Thierry", "Espace Louvroil", "3 avenue de Soissons")],
    "59": [("Lille", "EuraTechnologies", "165 avenue de Bretagne"),
           ("Roubaix", "La Condition publique", "14 place du Général-Faidherbe"),
           ("Tourcoing", "Maison des associations", "100 rue de Lille"),
           ("Dunkerque", "Halle aux sucres", "9003 route du Quai-Freycinet"),
           ("Valenciennes", "Serre numérique", "2 rue Peclet"),
           ("Maubeuge", "Tiers-lieu du Val de Sambre", "12 rue de la Croix")],
    "60": [("Beauvais", "Maladrerie Saint-Lazare", "203 rue de Paris"),
           ("Compiègne", "Centre d'innovation de l'UTC", "Rue du Docteur-Schweitzer"),
           ("Creil", "La Faïencerie", "Allée Nelson"),
           ("Noyon", "Salle du Chevalet", "Place Aristide-Briand")],
    "62": [("Arras", "Citadelle d'Arras", "Boulevard du Général-de-Gaulle"),
           ("Lens", "Louvre-Lens Vallée", "Rue Paul-Bert"),
           ("Calais", "Le Channel", "173 boulevard Gambetta"),
           ("Boulogne-sur-Mer", "Nausicaá, salle des conférences", "Boulevard Sainte-Beuve"),
           ("Béthune", "La Comédie de Béthune", "138 rue du 11-Novembre")],
    "80": [("Amiens", "La Machinerie", "12 rue Dupuis"),
           ("Abbeville", "Tiers-lieu La Briqueterie", "3 rue des Prés"),
           ("Péronne", "Maison de l'Intercommunalité", "23 avenue de l'Europe"),
           ("Albert", "Salle des fêtes", "Place d'Armes")],
}
DEPARTMENT_WEIGHTS = {"59": 40, "62": 23, "60": 13, "80": 9, "02": 8}
KIND_WEIGHTS = {EventKind.WORKSHOP: 40, EventKind.MEETING: 25, EventKind.WORKING_GROUP: 15,
                EventKind.HACKATHON: 12, EventKind.OTHER: 8}
KIND_WORDS = {
    EventKind.HACKATHON: ["Hackathon", "Marathon de code", "48 heures pour"],
    EventKind.WORKSHOP: ["Atelier", "Atelier de co-conception", "Atelier participatif"],
    EventKind.WORKING_GROUP: ["Groupe de travail", "Séance du groupe de travail"],
    EventKind.MEETING: ["Rencontre", "Soirée d'échanges", "Forum citoyen"],
    EventKind.OTHER: ["Balade exploratoire", "Journée portes ouvertes", "Café citoyen"],
}
SUBJECTS = {
    "transports": ["les mobilités rurales", "le transport à la demande", "le vélo au quotidien"],
    "sante": ["l'accès aux médecins", "la téléconsultation accompagnée"],
    "culture": ["la médiathèque de demain", "un agenda culturel partagé"],
    "formation": ["la formation au numérique", "l'apprentissage près de chez soi"],
    "education": ["les stages de 3e", "le soutien scolaire"],
    "emploi": ["la garde d'enfants en horaires décalés", "l'emploi des jeunes"],
    "economie": ["les commerces de centre-ville", "un tiers-lieu pour entreprendre"],
    "tourisme": ["les sentiers de randonnée", "l'accueil des cyclotouristes"],
    "energie": ["la rénovation des logements", "une coopérative solaire"],
    "environnement": ["les jardins partagés", "les dépôts sauvages"],
    "agriculture": ["les circuits courts", "les produits locaux à la cantine"],
    "logement": ["le logement étudiant", "l'habitat des seniors"],
    "citoyennete": ["le budget participatif", "la participation des habitants"],
    "inclusion": ["l'accès aux droits", "les démarches en ligne accompagnées"],
    "sport": ["le sport adapté", "l'ouverture des gymnases le week-end"],
    "services_publics": ["les maisons France services", "les horaires des services publics"],
}
INTRO = [
    "Habitants, associations, agents et entreprises sont invités à travailler ensemble sur "
    "{subject} à {commune}.",
    "Cette séance part des besoins déposés sur la plateforme INS'pir à propos de {subject}.",
    "Venez partager votre expérience de {subject} et imaginer des solutions concrètes avec "
    "d'autres habitants de {commune} et des environs.",
]
BODY = [
    "Nous commencerons par écouter les personnes concernées, puis nous formerons de petites "
    "équipes pluridisciplinaires.",
    "Aucune compétence technique n'est nécessaire : votre regard d'usager est le plus utile.",
    "Les idées retenues pourront être testées sur un petit territoire avec l'appui de la Région.",
    "Un repas est offert le midi ; merci de signaler tout régime particulier à l'inscription.",
    "Le lieu est accessible aux personnes à mobilité réduite et desservi par le bus.",
    "Les données ouvertes utiles seront mises à disposition des équipes avant la séance.",
]
PROGRAMME = ["Accueil et café", "Présentation des besoins", "Travail en équipes",
             "Restitution", "Suite du projet et prochaines étapes"]
STATUS_WEIGHTS = {EventStatus.PUBLISHED: 89, EventStatus.CANCELLED: 4, EventStatus.DRAFT: 7}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def description(rng: random.Random, subject: str, commune: str) -> str:
    """A Markdown description of a few hundred characters: paragraphs, a list, some emphasis."""
    intro = rng.choice(INTRO).format(subject=f"**{subject}**", commune=commune)
    body = " ".join(rng.sample(BODY, k=rng.randint(2, 3)))
    steps = "\n".join(f"- {step}" for step in rng.sample(PROGRAMME, k=rng.randint(3, 5)))
    return f"{intro}\n\n{body}\n\nAu programme :\n\n{steps}"


def make_event(rng: random.Random, index: int, now, theme_codes: list[str]) -> tuple[dict, list]:
    """One event's row (a dict for the core insert) and its theme codes."""
    department = _pick(rng, DEPARTMENT_WEIGHTS)
    commune, venue, address = rng.choice(VENUES[department])
    kind = _pick(rng, KIND_WEIGHTS)
    themes = rng.sample(theme_codes, k=rng.choice((1, 1, 2, 3)))
    subject = rng.choice(SUBJECTS.get(themes[0], ["la vie du territoire"]))
    title = f"{rng.choice(KIND_WORDS[kind])} : {subject} à {commune}"[:150]
    text = description(rng, subject, commune)
    # Paris daytime (UTC+1/+2): start at 7-16 h UTC on a quarter hour.
    day = now.replace(hour=0, minute=0, second=0) + timedelta(
        days=rng.randint(-PAST_DAYS, AHEAD_DAYS))
    starts = day + timedelta(hours=rng.randint(7, 16), minutes=15 * rng.randint(0, 3))
    hours = 32 if kind == EventKind.HACKATHON and rng.random() < 0.5 else rng.randint(1, 8)
    ends = starts + timedelta(hours=hours)
    status = _pick(rng, STATUS_WEIGHTS)
    created = min(now, starts) - timedelta(days=rng.randint(5, 90), minutes=rng.randint(0, 1440))
    sequence = 0 if status == EventStatus.DRAFT else rng.choice((0, 0, 0, 1, 2))
    sequence += status == EventStatus.CANCELLED
    updated = created + timedelta(days=sequence, minutes=rng.randint(0, 600))
    capacity = rng.choice((None, 12, 20, 30, 50, 80, 120))
    opens = created + timedelta(days=1) if rng.random() < 0.5 else None
    return {
        "id": index + 1,
        "title": title,
        "kind": kind.value,
        "description": text,
        "description_html": markdown.render(text),
        "starts_at": starts,
        "ends_at": ends,
        "venue_name": venue,
        "venue_address": address,
        "venue_commune": commune,
        "department_code": department,
        "capacity": capacity,
        "registration_opens_at": opens,
        "registration_closes_at": starts - timedelta(days=1) if opens else None,
        "run_by": (RunBy.REGION if rng.random() < 0.3 else RunBy.THIRD_PARTY).value,
        "status": status.value,
        "sequence": sequence,
        "confirmed_count": 0,
        "created_by_id": 1,
        "created_at": created,
        "updated_at": updated,
        "cancelled_at": updated if status == EventStatus.CANCELLED else None,
    }, themes


def seed(count: int, seed_value: int = 2016) -> dict:
    """Insert ``count`` events (and their organisers, themes) into DATABASE_URL's database."""
    rng = random.Random(seed_value)  # noqa: S311 - reproducible test data, not security
    started = time.perf_counter()
    app = create_app()
    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(Event)):
            raise SystemExit("The database already holds events; seed an empty one.")
        theme_codes = list(db.session.scalars(select(Theme.code).order_by(Theme.position)))
        if not theme_codes:
            raise SystemExit("No theme: migrate the database first (flask db upgrade).")
        now = utcnow().replace(microsecond=0)
        users = [
            {"id": 1, "email": BENCH_EMAIL, "display_name": "Organisatrice (bench)",
             "password_hash": account_services.passwords().hash(BENCH_PASSWORD), "bio": "",
             "created_at": now, "department_code": "80"},
            {"id": 2, "email": "coorganiser@bench.inspir.example",
             "display_name": "Co-organisateur (bench)", "password_hash": "!", "bio": "",
             "created_at": now, "department_code": "59"},
        ]
        roles = [{"user_id": u["id"], "role": Role.ORGANISER.value, "granted_at": now}
                 for u in users]
        events, organisers, themes = [], [], []
        for index in range(count):
            row, codes = make_event(rng, index, now, theme_codes)
            events.append(row)
            organisers.append({"event_id": row["id"], "user_id": 1, "added_at": row["created_at"]})
            if index % 5 == 0:
                organisers.append({"event_id": row["id"], "user_id": 2,
                                   "added_at": row["created_at"] + timedelta(hours=1)})
            themes.extend({"event_id": row["id"], "theme_code": c} for c in codes)
        with db.engine.begin() as conn:
            conn.execute(insert(User), users)
            conn.execute(insert(UserRole), roles)
            conn.execute(insert(Event), events)
            conn.execute(insert(EventOrganiser), organisers)
            conn.execute(insert(event_theme), themes)
        db.engine.dispose()
    window = now - timedelta(days=30)
    in_feed = [e for e in events
               if e["status"] != EventStatus.DRAFT.value and e["ends_at"] >= window]
    return {
        "events": count,
        "by_status": {s.value: sum(e["status"] == s.value for e in events) for s in EventStatus},
        "in_feed": len(in_feed),
        "in_feed_department_80": sum(e["department_code"] == "80" for e in in_feed),
        "past_days": PAST_DAYS,
        "ahead_days": AHEAD_DAYS,
        "past": sum(e["ends_at"] < now for e in events),
        # one published upcoming event, for /events/<id>.ics
        "sample_event_id": min((e for e in in_feed if e["status"] == EventStatus.PUBLISHED.value
                                and e["starts_at"] > now), key=lambda e: e["starts_at"])["id"],
        "event_themes": len(themes),
        "organiser_rows": len(organisers),
        "description_chars_mean": round(sum(len(e["description"]) for e in events) / count)
        if count else 0,
        "seconds": round(time.perf_counter() - started, 2),
    }


if __name__ == "__main__":
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a migrated database.")
    print(json.dumps(seed(int(sys.argv[1]) if len(sys.argv) > 1 else 300)))
