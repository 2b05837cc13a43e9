"""What the site's search finds, as the features owning it describe it.

The search sits below every feature it finds (needs, events, ideas, projects and store
entries, support structures) and imports none of them. Each feature describes its items
once as a :class:`SearchSource` and registers it on its blueprint with :func:`register`,
as follows/subjects.py does: the registry lives on the application (``app.extensions``),
filled when the blueprint is registered; no module keeps a mutable global.

A source says how to load the documents of the items a visitor may see among some ids
(hidden, pending, withdrawn and draft items give none), where an item's page is, and
which changes of which model touch which of its items (:class:`Watch`): the index
(:mod:`inspir_events.search.index`) follows those changes in the transaction that makes
them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from flask import Blueprint, current_app
from sqlalchemy.engine import Connection

from inspir_events.search.rules import Document

EXTENSION = "inspir.search_sources"


@dataclass(frozen=True)
class Watch:
    """A model whose changes touch a source's items: ``fields`` are the attributes that
    matter (empty: any change, an insert, a deletion), ``items(connection, obj)`` the ids
    of the source's items to index again (it may read the database, flushed)."""

    model: type
    items: Callable[[Connection, object], Iterable[int]]
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchSource:
    """One feature's searchable items.

    ``kinds``: each kind of result it makes, with its name (a lazy string) for the filter;
    ``load(connection, ids)``: the documents of the visible items among ``ids`` (all of
    them when ``ids`` is None); ``url(kind, item_id)``: the item's page;
    ``watches``: the changes that touch its items.
    """

    kinds: Mapping[str, object]
    load: Callable[[Connection, Sequence[int] | None], list[Document]]
    url: Callable[[str, int], str]
    watches: tuple[Watch, ...] = field(default_factory=tuple)


def register(blueprint: Blueprint, name: str, source: SearchSource) -> None:
    """Make ``name``'s items searchable on every application ``blueprint`` is registered on."""

    def record(state) -> None:
        state.app.extensions.setdefault(EXTENSION, {})[name] = source

    blueprint.record_once(record)


def sources(app=None) -> dict[str, SearchSource]:
    """Every registered source by name, in registration order."""
    return (app or current_app).extensions.get(EXTENSION, {})


def kinds() -> dict[str, object]:
    """Every kind of result, with its name, in registration order."""
    found: dict[str, object] = {}
    for source in sources().values():
        found.update(source.kinds)
    return found


def url_of(kind: str, item_id: int) -> str | None:
    for source in sources().values():
        if kind in source.kinds:
            return source.url(kind, item_id)
    return None
