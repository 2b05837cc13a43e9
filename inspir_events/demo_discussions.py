"""The demo's conversations (issue 20 §1), written through the discussions' use cases as
the people would: a thread with a reply on the Sunday bus need, experience shared on
the diffused project in the store (« partage d'expérience »), a question on an idea of
the past meeting, and a comment reported by a citizen, waiting in the moderators' queue.

Only citizens who play no role in the authorization matrix speak (Karim, Camille,
Dominique): posting follows the subject, and the matrix counts who follows what.
"""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Stage
from inspir_events.discussions import services
from inspir_events.discussions.models import Comment
from inspir_events.events.models import Event
from inspir_events.extensions import db
from inspir_events.needs.models import Need
from inspir_events.voting.models import Idea

BUS_NEED = "Un bus le dimanche pour rejoindre l'hôpital"
MEETING = "Rencontre santé et territoires"


def seed(users: dict[str, User]) -> list[Comment]:
    """The demo's comments (each use case commits); the reported one last."""
    karim, camille, dominique = users["citoyen"], users["citoyenne"], users["dev"]
    need = db.session.scalar(select(Need.id).where(Need.title == BUS_NEED))
    diffused = db.session.scalar(select(Project.id).where(Project.stage == Stage.DIFFUSION)
                                 .order_by(Project.id).limit(1))
    idea = db.session.scalar(select(Idea.id).join(Event, Event.id == Idea.event_id)
                             .where(Event.title == MEETING).order_by(Idea.id).limit(1))
    written = []
    first = services.post(karim, "need", need,
                          "Même chose à **Friville-Escarbotin** : ma mère rate ses rendez-vous "
                          "du lundi faute de bus la veille.")
    written.append(first)
    written.append(services.post(camille, "need", need,
                                 "Merci Karim, je l'ajoute au dossier pour le hackathon des "
                                 "mobilités.", parent_id=first.id))
    written.append(services.post(dominique, "need", need,
                                 "Un transport à la demande réservé la veille existe dans la "
                                 "Somme : quelqu'un a-t-il essayé ?"))
    if diffused is not None:
        shared = services.post(karim, "project", diffused,
                               "Nous l'avons testé avec six aidants à Roubaix : le carnet "
                               "papier compte autant que l'application.\n\n"
                               "- prévoir une formation d'une heure\n"
                               "- imprimer le guide en gros caractères")
        written.append(shared)
        written.append(services.post(camille, "project", diffused,
                                     "Très utile, merci : avez-vous gardé le même "
                                     "questionnaire ?", parent_id=shared.id))
    if idea is not None:
        written.append(services.post(dominique, "idea", idea,
                                     "Les données des pharmacies de garde sont-elles "
                                     "ouvertes ?"))
    off_topic = services.post(karim, "need", need,
                              "Vends vélo électrique, bon état, 300 €, me contacter.")
    services.report(camille, off_topic.id, "Petite annonce sans rapport avec le besoin.")
    written.append(off_topic)
    return written
