"""The kinds of subject people comment on, as the features owning them describe them.

Issue 20 §1: comments on needs, ideas, projects and store entries (a store entry is a
project: its page in the store and in the pipeline show one conversation). Discussions
sit below every feature that owns such a subject (DESIGN.md §4) and import none of
them: each feature describes its subject once (:class:`CommentSubject`) and registers it
on its blueprint with :func:`register` (needs: "need", voting: "idea", aid: "project").
The registry lives on the application (``app.extensions``), filled when that blueprint
is registered, as follows/subjects.py does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app

EXTENSION = "inspir.comment_subjects"


@dataclass(frozen=True)
class CommentSubject:
    """How discussions read one kind of subject, given by the feature that owns it."""

    # The subject if a visitor may see its page (comments are posted, listed and
    # exported only then), else None.
    load: Callable[[int], object | None]
    title: Callable[[object], str]  # what notifications and the moderators call it
    url: Callable[[int], str]  # its page, from its id (built from its route)
    # A SELECT of the ids of every subject of this kind a visitor may see: the API and
    # the open data publish the comments of these only, in one query.
    public_ids: Callable[[], object]
    name: object  # what it is (« besoin », « idée »...), a lazy string
    # The accounts told of a new comment: by default the subject's followers
    # (follows.services.followers); an idea, which nobody follows, gives its own.
    followers: Callable[[int], list[int]] | None = None


def register(blueprint: Blueprint, subject_type: str, subject: CommentSubject) -> None:
    """Make ``subject_type`` commentable on every application ``blueprint`` is registered on."""

    def record(state) -> None:
        state.app.extensions.setdefault(EXTENSION, {})[str(subject_type)] = subject

    blueprint.record_once(record)


def subject_of(subject_type: str) -> CommentSubject | None:
    """How discussions read this kind of subject; None when no feature registered it."""
    return current_app.extensions.get(EXTENSION, {}).get(str(subject_type))


def registered() -> dict[str, CommentSubject]:
    """Every commentable kind of subject, in registration order."""
    return dict(current_app.extensions.get(EXTENSION, {}))
