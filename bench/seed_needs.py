"""Fill a migrated database with many realistic needs, fast (one transaction, SQLAlchemy core).

Used by ``needs_board.py``; also runnable alone against any migrated database::

    DATABASE_URL=sqlite:////tmp/x.db .venv/bin/python bench/seed_needs.py 10000

Needs get French titles and descriptions of a few hundred characters, varied
departments, communes, themes, statuses, 0-5 tags and a skewed number of
supporters; the support rows exist and match each ``supporters_count``; the
search text is folded with :func:`inspir_events.needs.rules.fold`, as the app does.
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
from inspir_events.accounts.models import User  # noqa: E402
from inspir_events.app import create_app  # noqa: E402
from inspir_events.extensions import db  # noqa: E402
from inspir_events.needs.models import Need, NeedSupport, NeedTag  # noqa: E402
from inspir_events.needs.rules import NeedStatus, Visibility, fold  # noqa: E402
from inspir_events.timeutil import utcnow  # noqa: E402

BENCH_EMAIL = "bench@bench.inspir.example"
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - throw-away benchmark database
USERS = 1_000

COMMUNES = {
    "02": ["Saint-Quentin", "Soissons", "Laon", "Château-Thierry", "Hirson", "Chauny"],
    "59": ["Lille", "Roubaix", "Tourcoing", "Dunkerque", "Valenciennes", "Maubeuge", "Douai"],
    "60": ["Beauvais", "Compiègne", "Creil", "Noyon", "Senlis", "Clermont"],
    "62": ["Arras", "Lens", "Calais", "Boulogne-sur-Mer", "Béthune", "Liévin", "Saint-Omer"],
    "80": ["Amiens", "Abbeville", "Péronne", "Doullens", "Albert", "Montdidier"],
}
DEPARTMENT_WEIGHTS = {"59": 40, "62": 23, "60": 13, "80": 9, "02": 8}

THEMES = {
    "transports": (
        ["Un bus le dimanche vers {place}", "Des horaires de TER fiables à {place}",
         "Covoiturage solidaire pour les villages autour de {place}",
         "Des pistes cyclables sûres entre {place} et la gare"],
        ["Le dimanche, aucun bus ne relie nos villages à {place}.",
         "Sans voiture, les rendez-vous médicaux deviennent impossibles.",
         "Les correspondances entre le car et le train sont ratées une fois sur deux.",
         "Un service de transport à la demande existe mais personne ne le connaît."],
        ["mobilité", "bus", "train", "ruralité", "vélo", "covoiturage"],
    ),
    "sante": (
        ["Trouver un médecin traitant à {place}", "Prendre rendez-vous sans attendre à {place}",
         "Une maison de santé pour les environs de {place}"],
        ["Les cabinets de {place} ne prennent plus de nouveaux patients.",
         "Les personnes âgées passent des heures au téléphone pour un rendez-vous.",
         "La téléconsultation pourrait aider si quelqu'un accompagnait les patients."],
        ["santé", "seniors", "médecins", "téléconsultation"],
    ),
    "culture": (
        ["Ouvrir la médiathèque de {place} le soir", "Un agenda culturel commun pour {place}",
         "Des ateliers d'écriture pour les jeunes de {place}"],
        ["Les horaires actuels ne conviennent pas aux personnes qui travaillent.",
         "Les associations culturelles de {place} ne se connaissent pas entre elles.",
         "Les données de fréquentation permettraient d'adapter l'offre."],
        ["culture", "bibliothèque", "jeunesse", "données ouvertes"],
    ),
    "formation": (
        ["Se former au numérique près de {place}", "Trouver une formation qualifiante à {place}"],
        ["Les formations existent mais sont trop loin sans moyen de transport.",
         "Les demandeurs d'emploi de {place} ne savent pas à qui s'adresser."],
        ["formation", "numérique", "emploi"],
    ),
    "education": (
        ["Trouver un stage de 3e à {place}", "Du soutien scolaire gratuit à {place}"],
        ["Les collégiens sans réseau ne trouvent pas de stage d'observation.",
         "Les entreprises volontaires ne sont pas visibles des familles."],
        ["stage", "jeunesse", "école", "collège"],
    ),
    "emploi": (
        ["Rapprocher les offres d'emploi et les habitants de {place}",
         "Faire garder ses enfants pour reprendre un emploi à {place}"],
        ["Les horaires décalés rendent la garde d'enfants impossible.",
         "Les petites entreprises de {place} ne trouvent pas de candidats."],
        ["emploi", "garde d'enfants", "insertion"],
    ),
    "economie": (
        ["Soutenir les commerces du centre de {place}",
         "Un tiers-lieu pour entreprendre à {place}"],
        ["Les vitrines vides se multiplient dans le centre de {place}.",
         "Les créateurs d'entreprise cherchent un lieu pour se rencontrer."],
        ["commerce", "entreprises", "tiers-lieu"],
    ),
    "tourisme": (
        ["Mieux signaler les sentiers autour de {place}",
         "Accueillir les cyclotouristes à {place}"],
        ["Les visiteurs ne trouvent pas les circuits de randonnée.",
         "Il manque des points d'eau et de réparation pour les vélos."],
        ["tourisme", "randonnée", "vélo"],
    ),
    "energie": (
        ["Rénover les logements énergivores de {place}", "Une coopérative solaire à {place}"],
        ["Les factures de chauffage ont doublé pour les familles modestes.",
         "Les toits des bâtiments publics pourraient produire de l'électricité."],
        ["énergie", "rénovation", "solaire"],
    ),
    "environnement": (
        ["Partager les jardins familiaux de {place}", "Réduire les dépôts sauvages à {place}"],
        ["Des parcelles restent en friche pendant que la liste d'attente s'allonge.",
         "Les déchets s'accumulent au bord des chemins de {place}."],
        ["jardins", "déchets", "biodiversité", "alimentation"],
    ),
    "agriculture": (
        ["Acheter directement aux producteurs de {place}", "Des circuits courts pour les cantines"],
        ["Les producteurs locaux n'ont pas de point de vente commun.",
         "Les cantines aimeraient servir des produits de la région."],
        ["circuits courts", "alimentation", "agriculture"],
    ),
    "logement": (
        ["Trouver un logement étudiant à {place}", "Adapter les logements des seniors à {place}"],
        ["Les étudiants de {place} attendent des mois pour un logement.",
         "Les personnes âgées veulent rester chez elles mais les logements ne sont pas adaptés."],
        ["logement", "étudiants", "seniors"],
    ),
    "citoyennete": (
        ["Participer aux décisions de la commune de {place}",
         "Un budget participatif pour les quartiers de {place}"],
        ["Les habitants de {place} découvrent les projets une fois décidés.",
         "Les réunions publiques ont lieu quand tout le monde travaille."],
        ["participation", "démocratie", "quartier"],
    ),
    "inclusion": (
        ["Savoir quelles aides sociales me concernent",
         "Accompagner les démarches en ligne à {place}"],
        ["Les démarches sont éparpillées entre la CAF, le département et la commune.",
         "Les personnes éloignées du numérique renoncent à leurs droits."],
        ["accès aux droits", "démarches", "numérique", "solidarité"],
    ),
    "sport": (
        ["Ouvrir les gymnases de {place} le week-end", "Du sport adapté pour tous à {place}"],
        ["Les équipements sportifs de {place} restent fermés le dimanche.",
         "Les clubs manquent de bénévoles pour accueillir les personnes handicapées."],
        ["sport", "loisirs", "handicap"],
    ),
    "services_publics": (
        ["Une maison France services près de {place}", "Des horaires de mairie adaptés à {place}"],
        ["Le guichet le plus proche est à quarante minutes de {place}.",
         "Les services publics ferment avant la sortie du travail."],
        ["services publics", "démarches", "ruralité"],
    ),
}
COMMON = [
    "Ce besoin est partagé par de nombreux habitants du quartier et des communes voisines.",
    "Nous en avons parlé lors d'une réunion publique et beaucoup de personnes étaient concernées.",
    "Une solution simple, testée sur un petit territoire, pourrait ensuite être étendue.",
    "Les associations locales sont prêtes à participer à une expérimentation.",
    "Les familles modestes sont les premières touchées par cette situation.",
    "Il faudrait associer les usagers dès le départ pour que la solution leur convienne.",
]
STATUS_WEIGHTS = {NeedStatus.PUBLISHED: 80, NeedStatus.ADDRESSED: 10,
                  NeedStatus.IN_EXPERIMENTATION: 5, NeedStatus.CLOSED: 3, NeedStatus.WITHDRAWN: 2}
VISIBILITY_WEIGHTS = {Visibility.PUBLIC: 98, Visibility.HIDDEN: 1, Visibility.PENDING: 1}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def make_need(rng: random.Random, index: int, now, author_ids: list[int]) -> tuple[dict, list]:
    """One need's row (a dict for the core insert) and its tags."""
    department = _pick(rng, DEPARTMENT_WEIGHTS)
    commune = rng.choice(COMMUNES[department])
    theme = rng.choice(list(THEMES))
    titles, sentences, tags = THEMES[theme]
    title = rng.choice(titles).format(place=commune)[:120]
    chosen = rng.sample(sentences, k=min(len(sentences), rng.randint(2, 3)))
    chosen += rng.sample(COMMON, k=rng.randint(1, 3))
    rng.shuffle(chosen)
    paragraphs = [" ".join(chosen[: len(chosen) // 2 + 1]), " ".join(chosen[len(chosen) // 2 + 1:])]
    description = "\n\n".join(p.format(place=commune) for p in paragraphs if p)
    created = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60), seconds=index % 60)
    return {
        "id": index + 1,
        "author_id": rng.choice(author_ids),
        "title": title,
        "description": description,
        "description_html": markdown.render(description),
        "search_text": fold(f"{title}\n{description}"),
        "department_code": department,
        "commune": commune if rng.random() < 0.8 else None,
        "theme_code": theme,
        "status": _pick(rng, STATUS_WEIGHTS).value,
        "visibility": _pick(rng, VISIBILITY_WEIGHTS).value,
        "supporters_count": min(USERS - 1, int(rng.paretovariate(1.3)) - 1 + rng.randint(0, 5)),
        "created_at": created,
        "updated_at": created,
    }, rng.sample(tags, k=min(len(tags), rng.randint(0, 5)))


def seed(count: int, seed_value: int = 2016) -> dict:
    """Insert ``count`` needs (and USERS users, their supports) into DATABASE_URL's database."""
    rng = random.Random(seed_value)  # noqa: S311 - reproducible test data, not security
    started = time.perf_counter()
    app = create_app()
    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(Need)):
            raise SystemExit("The database already holds needs; seed an empty one.")
        now = utcnow().replace(microsecond=0)
        bench_hash = account_services.passwords().hash(BENCH_PASSWORD)
        users = [{"id": i, "email": f"user{i}@bench.inspir.example",
                  "display_name": f"Habitant {i}", "password_hash": "!", "bio": "",
                  "created_at": now, "department_code": None}
                 for i in range(1, USERS + 1)]
        users[0].update(email=BENCH_EMAIL, display_name="Bench", password_hash=bench_hash)
        author_ids = [u["id"] for u in users]
        needs, tags, supports = [], [], []
        for index in range(count):
            row, need_tags = make_need(rng, index, now, author_ids)
            needs.append(row)
            tags.extend({"need_id": row["id"], "tag": t, "position": p}
                        for p, t in enumerate(need_tags))
            backers = rng.sample(range(2, USERS + 1), k=row["supporters_count"])
            if index % 7 == 0:  # the bench user supports some: the signed-in board marks them
                backers = [1, *backers[1:]]
            row["supporters_count"] = len(backers)
            supports.extend({"need_id": row["id"], "user_id": u, "created_at": now}
                            for u in backers)
        with db.engine.begin() as conn:
            conn.execute(insert(User), users)
            conn.execute(insert(Need), needs)
            conn.execute(insert(NeedTag), tags)
            conn.execute(insert(NeedSupport), supports)
        db.engine.dispose()
    return {"needs": count, "users": USERS, "tags": len(tags), "supports": len(supports),
            "seconds": round(time.perf_counter() - started, 2)}


if __name__ == "__main__":
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a migrated database.")
    print(json.dumps(seed(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
