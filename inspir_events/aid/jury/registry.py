"""The juried subjects, as the features owning them describe them.

The jury knows no call and no co-funding session: a feature registers a *juried subject
type* once, on its blueprint, with :func:`register` (as recusal's and follows' subjects
are registered), and the description lives on the application (``app.extensions``), so
no module keeps a mutable global. To add one (a co-funding session, say)::

    register(bp, "cofunding_session", JuriedSubject(
        name=_l("this co-funding session"),
        title=lambda session_id: ...,        # None: no such subject
        url=lambda session_id: path_for(...),
        applications=lambda session_id: [JuriedApplication(...), ...],
        scoring_open=lambda session_id: ...,  # False once its results are decided/published
        published=lambda session_id: ...,     # its results are public
    ))

Each :class:`JuriedApplication` says who is party to it through its recusal subject
(``recusal_type``, ``recusal_id``: a subject registered with
:func:`inspir_events.recusal.registry.register_parties`): a member party to it, or who
declared a conflict on it, cannot score it and does not count towards its quorum.
Who may see the scores is the jury's rule (:mod:`.services`): the jury's members, the
committee and the administrators, and, once ``published``, everyone sees the ranking
(means and spreads, never a score or a comment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app

EXTENSION = "inspir.juried_subjects"


@dataclass(frozen=True)
class JuriedApplication:
    """One application a jury scores, as its feature describes it."""

    id: int
    title: str
    url: str  # its page (for the jury and the committee)
    recusal_type: str  # its recusal subject: who is party to it
    recusal_id: int
    decided: bool  # decided (or not awaiting a decision): no more scoring


@dataclass(frozen=True)
class JuriedSubject:
    """How the jury reads one kind of subject, given by the feature that owns it."""

    name: str  # what the pages call it ("this call for projects"), translatable
    title: Callable[[int], str | None]  # subject id -> its title; None: no such subject
    url: Callable[[int], str]  # subject id -> its page
    applications: Callable[[int], list[JuriedApplication]]  # those the jury scores
    scoring_open: Callable[[int], bool]  # may the jury still score (not decided yet)?
    published: Callable[[int], bool]  # are its results public?


def register(blueprint: Blueprint, subject_type: str, subject: JuriedSubject) -> None:
    """Describe ``subject_type`` to the jury on every application ``blueprint`` is
    registered on."""

    def record(state) -> None:
        state.app.extensions.setdefault(EXTENSION, {})[str(subject_type)] = subject

    blueprint.record_once(record)


def subject_of(subject_type: str) -> JuriedSubject:
    """How the jury reads this kind of subject (LookupError: no feature registered it)."""
    try:
        return current_app.extensions[EXTENSION][str(subject_type)]
    except KeyError:
        raise LookupError(f"no feature registered the juried subject {subject_type!r}") \
            from None


def is_registered(subject_type: str) -> bool:
    """Has a feature described this kind of subject?"""
    return str(subject_type) in current_app.extensions.get(EXTENSION, {})
