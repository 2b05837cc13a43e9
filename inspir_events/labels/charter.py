"""The INS'pir charter, as data (no Flask, no SQLAlchemy).

The deliberation founds the label "INS'pir" on a charter: « par et pour les
habitants (co-design) », « se donner les moyens d'impliquer les usagers »,
« approches collectives », « répondre à un besoin de la société régionale »,
« subsidiarité », « multidisciplinarité », « innovation ouverte ». The label may
be given to events, support structures and projects/experiments.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

JUSTIFICATION_MAX = 1000


def N_(message: str) -> str:
    """Mark for extraction; the text is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Principle:
    code: str
    title: str  # msgid, translated when shown
    question: str  # msgid: what the applicant answers


PRINCIPLES: tuple[Principle, ...] = (
    Principle("co_design", N_("By and for the inhabitants (co-design)"),
              N_("How do inhabitants take part in designing the answers?")),
    Principle("user_involvement", N_("Means to involve the users"),
              N_("What means do you give yourselves to involve future users?")),
    Principle("collective", N_("Collective approaches"),
              N_("How is the work done collectively?")),
    Principle("regional_need", N_("Answering a need of regional society"),
              N_("Which needs of the region's inhabitants does it answer?")),
    Principle("subsidiarity", N_("Subsidiarity"),
              N_("How does it complement existing schemes and local actors?")),
    Principle("multidisciplinarity", N_("Multidisciplinarity"),
              N_("Which disciplines and profiles are brought together?")),
    Principle("open_innovation", N_("Open innovation"),
              N_("How are results shared (open licences, documentation)?")),
)

PRINCIPLE_CODES = tuple(p.code for p in PRINCIPLES)


class SubjectType(enum.StrEnum):
    """What the label can be given to."""

    EVENT = "event"
    SUPPORT_STRUCTURE = "support_structure"
    PROJECT = "project"


class LabelStatus(enum.StrEnum):
    REQUESTED = "requested"
    GRANTED = "granted"
    REFUSED = "refused"


def missing_answers(answers: dict[str, str]) -> list[str]:
    """The principles left without a justification (every one needs an answer)."""
    return [code for code in PRINCIPLE_CODES if not (answers.get(code) or "").strip()]
