"""The demo's territories (issue 20 §3): a place down to the intercommunality, built through
the use cases as people would.

Every demo need and event already names its commune from the list (demo.py's texts are
resolved by the use cases: "Lens" is Lens, 62498, in the CA de Lens - Liévin). Here a
citizen of Liévin posts a need in her commune, and a proposal of a digital repair workshop
in Liévin is taken into the pipeline by the committee: the board of the CA de Lens - Liévin
(/needs/epci/246200364) then shows two needs, and the statistics count a project there.
"""

from __future__ import annotations

from inspir_events.accounts.models import User
from inspir_events.aid.projects import services as pipeline
from inspir_events.needs import services as need_services

LIEVIN_NEED = need_services.NeedInput(
    title="Un accompagnement aux démarches en ligne près de chez soi",
    description=("Depuis la fermeture de la permanence de la mairie annexe, il faut aller à "
                 "Lens pour être aidé sur les démarches en ligne.\n\n"
                 "- les personnes âgées renoncent à leurs droits\n"
                 "- les horaires ne conviennent pas à ceux qui travaillent"),
    department_code="62", theme_code="inclusion", commune="Liévin",
    tags=["numérique", "démarches"])
REPAIR_WORKSHOP = ("Atelier itinérant de réparation d'ordinateurs",
                   "Des bénévoles réparent et reconditionnent les ordinateurs des habitants, "
                   "une semaine par mois dans chaque quartier de Liévin.")


def seed(users: dict[str, User]) -> None:
    """The need and the qualified project of Liévin (each use case commits)."""
    need_services.submit(users["design"], LIEVIN_NEED)
    title, summary = REPAIR_WORKSHOP
    project = pipeline.propose_project(users["design"], title, summary, "62", "inclusion",
                                       commune="Liévin (62510)")
    pipeline.qualify(users["comite"], project.id,
                     "Un besoin du territoire, un porteur bénévole : dans le parcours.")
