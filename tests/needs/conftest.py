"""Need-board fixtures: ``make_need`` (through the real use case) and a signed-in citizen."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from inspir_events.needs import services
from inspir_events.needs.rules import NeedStatus, Visibility
from inspir_events.timeutil import utcnow

DESCRIPTION = "Le dimanche, **aucun bus** ne relie nos villages à la gare."


@pytest.fixture
def make_need(db, make_user):
    """Post a need through ``services.submit``, then set its state for the test.

    ``make_need(author=None, title=..., description=..., department="80",
    theme="transports", commune="", tags=(), visibility="public",
    status="published", hidden_reason=None, created_at=None)``.

    Without ``created_at`` each need is dated two days ago plus one minute per
    call, so later needs are newer and none counts towards the daily quota.
    Without ``author`` all needs share one account.
    """
    counter = itertools.count(1)
    base = utcnow() - timedelta(days=2)
    shared_author = []

    def factory(author=None, *, title: str | None = None, description: str = DESCRIPTION,
                department: str = "80", theme: str = "transports", commune: str = "",
                tags=(), visibility=Visibility.PUBLIC, status=NeedStatus.PUBLISHED,
                hidden_reason: str | None = None, created_at=None):
        n = next(counter)
        if author is None:
            if not shared_author:
                shared_author.append(make_user(display_name="Autrice des besoins"))
            author = shared_author[0]
        need = services.submit(author, services.NeedInput(
            title=title or f"Besoin numéro {n}", description=description,
            department_code=department, theme_code=theme, commune=commune, tags=list(tags),
        ))
        need.created_at = created_at or base + timedelta(minutes=n)
        need.visibility = Visibility(visibility)
        need.status = NeedStatus(status)
        if need.visibility == Visibility.HIDDEN:
            need.hidden_reason = hidden_reason or "Propos hors sujet"
        db.session.commit()
        return need

    return factory


@pytest.fixture
def citizen(make_user, login):
    """A citizen signed in on ``client``."""
    user = make_user(display_name="Camille")
    login(user)
    return user
