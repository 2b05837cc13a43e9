"""Demo data for development: a few accounts of each role.

Only ``flask seed-demo`` calls this, and it refuses outside development. The
demo password is public on purpose: these accounts exist on developers'
machines only.
"""

from __future__ import annotations

from sqlalchemy import func, select

from inspir_events.accounts import services as account_services
from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.extensions import db
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
    db.session.commit()
    return True


def logins_text() -> str:
    lines = ["", "Demo accounts (development only), password for all: " + DEMO_PASSWORD]
    for local, name, _dept, roles, _skills in DEMO_ACCOUNTS:
        role_names = ", ".join(r.value for r in roles) or "citizen"
        email = f"{local}@{DEMO_DOMAIN}"
        lines.append(f"  {email:<31} {name:<22} {role_names}")
    return "\n".join(lines)
