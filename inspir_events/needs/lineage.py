"""A need's lineage, as its page shows it: the events addressing it, the ideas and the
projects answering it, in the deliberation's process order: « Partir des besoins »,
« Faire naître des idées », « Les expérimenter ».

needs sits below the features that hold those steps (DESIGN.md §4) and reads none of
them: the lineage is composed above them, by the store, which knows them all
(:mod:`inspir_events.store.need_lineage`), and handed to needs through :func:`provide` on
the application (``app.extensions``). The need page calls :func:`of`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app

EXTENSION = "inspir.need_lineage"


@dataclass(frozen=True)
class LineageItem:
    """One step the need led to: what the page links to, and when."""

    title: str
    url: str
    when: datetime | None = None


Composer = Callable[[object], dict[str, list[LineageItem]]]


def provide(blueprint: Blueprint, composer: Composer) -> None:
    """Compose needs' lineages with ``composer`` on every app ``blueprint`` is registered on."""

    def record(state) -> None:
        state.app.extensions[EXTENSION] = composer

    blueprint.record_once(record)


def of(need) -> dict[str, list[LineageItem]]:
    """What ``need`` led to, section by section (``events``, ``ideas``, ``projects``);
    nothing when no feature above composes it."""
    composer = current_app.extensions.get(EXTENSION)
    return composer(need) if composer else {}
