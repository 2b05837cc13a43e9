"""The kinds of subject people follow, as the features owning them describe them.

Issue 17 §4: people follow a need, an event, a project or a support structure.
follows sits below every feature that owns such a subject
(DESIGN.md §4) and imports none of them: each feature describes its subject once
(:class:`FollowSubject`: how to load one a visitor may see, its title, its page and
what it is called) and registers it on its blueprint with :func:`register` (needs:
"need", events: "event", aid: "project", the store: "support_structure"). The registry
lives on the application (``app.extensions``), filled when that blueprint is
registered, as labels/subjects.py and recusal/registry.py do; no module keeps a
mutable global.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app

EXTENSION = "inspir.follow_subjects"


@dataclass(frozen=True)
class FollowSubject:
    """How follows reads one kind of subject, given by the feature that owns it."""

    load: Callable[[int], object | None]  # the subject, if a visitor may see it (else None)
    title: Callable[[object], str]  # what the profile's list calls it
    url: Callable[[object], str]  # its page (built from its route)
    name: object  # what it is (« besoin », « événement »...), a lazy string
    gone: object  # what the profile shows when it is no longer public, a lazy string


def register(blueprint: Blueprint, subject_type: str, subject: FollowSubject) -> None:
    """Make ``subject_type`` followable on every application ``blueprint`` is registered on."""

    def record(state) -> None:
        state.app.extensions.setdefault(EXTENSION, {})[str(subject_type)] = subject

    blueprint.record_once(record)


def subject_of(subject_type: str) -> FollowSubject | None:
    """How follows reads this kind of subject; None when no feature registered it."""
    return current_app.extensions.get(EXTENSION, {}).get(str(subject_type))


def types() -> list[str]:
    """Every followable kind of subject, in registration order."""
    return list(current_app.extensions.get(EXTENSION, {}))
