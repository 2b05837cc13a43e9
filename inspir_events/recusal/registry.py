"""Who is party to what, as the features owning the subjects describe it.

Recusal sits below every feature (infrastructure) and imports none of them: each
feature describes its subjects once (:class:`RecusalSubject`: who is party to one,
what a refusal calls it, which other subjects' declared conflicts also count, who may
declare a conflict on it and where its page is) and registers the description on its
blueprint with :func:`register_parties`. The registry lives on the application
(``app.extensions``), filled when that blueprint is registered, so no module keeps a
mutable global (as :mod:`inspir_events.labels.subjects` does for the label).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Blueprint, current_app

EXTENSION = "inspir.recusal_subjects"


def no_related(subject_id: int) -> tuple:
    """The default: only conflicts declared on the subject itself count."""
    return ()


def nobody_declares(user, subject_id: int) -> bool:
    """The default: nobody declares a conflict on this kind of subject from its page."""
    return False


@dataclass(frozen=True)
class RecusalSubject:
    """How recusal reads one kind of subject, given by the feature that owns it."""

    parties: Callable[[int], set[int]]  # subject id -> the account ids party to it
    name: str  # what the refusal calls it ("this co-funding application"), translatable
    # Other subjects whose declared conflicts recuse from this one too (a conflict
    # declared on a project recuses from its label requests).
    related: Callable[[int], Iterable[tuple[str, int]]] = no_related
    # (user, subject id): may this person declare a conflict on it (one who may decide)?
    may_declare: Callable[[object, int], bool] = nobody_declares
    page: Callable[[int], str] | None = None  # the subject's page (built from its route)


def register_parties(blueprint: Blueprint, subject_type: str,
                     finder: Callable[[int], set[int]], *, name: str,
                     related: Callable[[int], Iterable[tuple[str, int]]] = no_related,
                     may_declare: Callable[[object, int], bool] = nobody_declares,
                     page: Callable[[int], str] | None = None) -> None:
    """Describe ``subject_type`` to recusal on every application ``blueprint`` is
    registered on: ``finder(subject_id)`` gives the account ids party to one."""
    subject = RecusalSubject(parties=finder, name=name, related=related,
                             may_declare=may_declare, page=page)

    def record(state) -> None:
        state.app.extensions.setdefault(EXTENSION, {})[str(subject_type)] = subject

    blueprint.record_once(record)


def subject_of(subject_type: str) -> RecusalSubject:
    """How recusal reads this kind of subject (LookupError: no feature registered it)."""
    try:
        return current_app.extensions[EXTENSION][str(subject_type)]
    except KeyError:
        raise LookupError(f"no feature registered the recusal subject {subject_type!r}") \
            from None


def is_registered(subject_type: str) -> bool:
    """Has a feature described this kind of subject?"""
    return str(subject_type) in current_app.extensions.get(EXTENSION, {})
