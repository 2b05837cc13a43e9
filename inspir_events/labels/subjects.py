"""The kinds of subject the label is given to, as the features owning them describe them.

The label « INS'pir » « pourra être attribué à des événements, structures
d'accompagnement et projets/expérimentations »: same charter, same queue, same
decision; only the subject differs. labels sits below the features that own those
subjects (DESIGN.md §4) and imports none of them: each feature describes its subject
once (:class:`LabelSubject`: its row locked for a request, who may ask, its title and
its page, why it may not ask now) and registers it on its blueprint. The registry lives
on the application (``app.extensions``), filled when that blueprint is registered, so no
module keeps a mutable global; :func:`inspir_events.labels.services.request_for` reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app

from inspir_events.labels.charter import SubjectType

EXTENSION = "inspir.label_subjects"


def always_eligible(subject) -> str | None:
    """The default: nothing about the subject itself stops a request."""
    return None


@dataclass(frozen=True)
class LabelSubject:
    """How labels reads one kind of subject, given by the feature that owns it."""

    locked: Callable[[int], object | None]  # its row, locked for the request (None: none)
    may_ask: Callable[[object, object], bool]  # (user, subject): who asks for its label
    title: Callable[[object], str]  # what the committee's queue calls it
    url: Callable[[object], str]  # its page (built from its route)
    not_allowed: str  # the refusal's message for anyone else (translatable)
    ineligible: Callable[[object], str | None] = always_eligible  # why it may not ask now


def register(blueprint: Blueprint, subject_type: SubjectType, subject: LabelSubject) -> None:
    """Give labels ``subject`` on every application ``blueprint`` is registered on."""

    def record(state) -> None:
        state.app.extensions.setdefault(EXTENSION, {})[SubjectType(subject_type)] = subject

    blueprint.record_once(record)


def subject_of(subject_type: SubjectType | str) -> LabelSubject:
    """How labels reads this kind of subject (LookupError: no feature registered it)."""
    try:
        return current_app.extensions[EXTENSION][SubjectType(subject_type)]
    except KeyError:
        raise LookupError(f"no feature registered the label subject {subject_type!r}") from None
