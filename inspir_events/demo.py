"""Demo data for development: a few accounts of each role, needs across the region.

Only ``flask seed-demo`` calls this, and it refuses outside development. The
demo password is public on purpose: these accounts exist on developers'
machines only.
"""

from __future__ import annotations

from sqlalchemy import func, select

from inspir_events.accounts import services as account_services
from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.extensions import db
from inspir_events.needs import services as need_services
from inspir_events.needs.models import Need, NeedSupport
from inspir_events.reference.models import Skill

DEMO_PASSWORD = "inspir-demo-2016"  # noqa: S105 - development demo data, printed to the developer
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


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def has_demo_accounts() -> bool:
    return bool(db.session.scalar(
        select(func.count()).select_from(User).where(User.email.like(f"%@{DEMO_DOMAIN}"))
    ))


def seed() -> bool:
    """Create the demo accounts when the database holds no account; one transaction."""
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
        )
        user.role_rows = [UserRole(role=r) for r in roles]
        db.session.add(user)
        users[local] = user
    db.session.flush()
    for author, title, text, dept, commune, theme, tags, supporters in DEMO_NEEDS:
        need = Need(author_id=users[author].id, supporters_count=len(supporters))
        need_services.fill(need, need_services.NeedInput(
            title=title, description=text, department_code=dept, theme_code=theme,
            commune=commune, tags=list(tags)))
        db.session.add(need)
        db.session.flush()
        db.session.add_all(NeedSupport(need_id=need.id, user_id=users[s].id) for s in supporters)
    db.session.commit()
    return True


def logins_text() -> str:
    lines = ["", "Demo accounts (development only), password for all: " + DEMO_PASSWORD]
    for local, name, _dept, roles, _skills in DEMO_ACCOUNTS:
        role_names = ", ".join(r.value for r in roles) or "citizen"
        email = f"{local}@{DEMO_DOMAIN}"
        lines.append(f"  {email:<31} {name:<22} {role_names}")
    return "\n".join(lines)
