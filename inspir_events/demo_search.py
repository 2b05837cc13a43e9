"""The demo's part of the site's search (issue 20 §2).

Every item the demo creates is indexed by the change that creates it (the search index
follows every flush: search/index.py), so nothing is indexed here by hand. What this adds,
through the accounts' use case, is the support structure's presentation, so that the
search shows all its kinds (needs, events, ideas of the closed round, projects, store
entries and a structure) and its accents: "ecologie" finds "écologie".
"""

from __future__ import annotations

from inspir_events.accounts import services as accounts
from inspir_events.accounts.models import User

STRUCTURE_BIO = ("Incubateur de projets numériques à Lille : nous accompagnons les "
                 "expérimentations d'écologie urbaine, de mobilité et d'inclusion, de l'idée "
                 "à la diffusion.")


def seed(users: dict[str, User]) -> None:
    structure = users["structure"]
    accounts.update_profile(structure, display_name=structure.display_name,
                            department_code=structure.department_code,
                            skill_codes=[s.code for s in structure.skills], bio=STRUCTURE_BIO)
