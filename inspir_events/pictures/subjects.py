"""The kinds of subject that carry a picture, as the features owning them describe them.

Issue 20 §4: an event, a project and a support structure may carry a picture. pictures
sits below those features (DESIGN.md §4) and imports none of them: each describes its
subject once (:class:`PictureSubject`: how to load one (locked for a change), who may change its
picture, its title and page) and registers it on its blueprint with :func:`register`
(events: "event", aid: "project", the store: "support_structure"). The registry lives on
the application (``app.extensions``), as follows/subjects.py does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app

EXTENSION = "inspir.picture_subjects"


@dataclass(frozen=True)
class PictureSubject:
    """How pictures read one kind of subject, given by the feature that owns it."""

    # the subject (None: no such), its row locked for update when ``lock`` is true
    load: Callable[..., object | None]  # load(subject_id, lock=False)
    may_change: Callable[[object, object], bool]  # (user, subject): may change its picture
    title: Callable[[object], str]
    url: Callable[[object], str]  # its page, where the picture shows


def register(blueprint: Blueprint, subject_type: str, subject: PictureSubject) -> None:
    """Let ``subject_type`` carry a picture on every application ``blueprint`` is on."""

    def record(state) -> None:
        state.app.extensions.setdefault(EXTENSION, {})[str(subject_type)] = subject

    blueprint.record_once(record)


def subject_of(subject_type: str) -> PictureSubject | None:
    return current_app.extensions.get(EXTENSION, {}).get(str(subject_type))
