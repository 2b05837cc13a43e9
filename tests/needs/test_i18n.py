"""Every need page reads in French by default and in English on request, with nothing leaked."""

from __future__ import annotations

import pytest

from inspir_events.accounts.models import Role
from inspir_events.needs import services
from tests.test_i18n import leftover_strings


@pytest.fixture
def pages(client, login, make_user, make_need):
    """A signed-in committee member's view of every need page (so every section shows)."""
    author = make_user(roles=(Role.COMMITTEE,))
    login(author)
    need = make_need(author=author, tags=["bus"])
    services.report(make_user(), need.id, "Doublon")
    make_need(title="Masqué", visibility="hidden")
    client.get("/")  # shows the log-in message, queued in French
    return ["/needs", "/needs/territory/80", "/needs/theme/sante", f"/needs/{need.id}",
            "/needs/new", f"/needs/{need.id}/edit", "/needs/mine", "/moderation/needs"]


def test_need_pages_have_no_english_left_in_french(client, pages):
    for path in pages:
        status, leaked, text = leftover_strings(client, path, "fr")
        assert status == 200, path
        assert not leaked, f"{path} shows untranslated strings: {leaked}"


def test_need_pages_have_no_french_left_in_english(client, pages):
    for path in pages:
        status, leaked, text = leftover_strings(client, path, "en")
        assert not leaked, f"{path} in English shows French strings: {leaked}"


def test_the_labels_are_translated_once_per_language(app):
    """The statuses', sorts' and visibilities' labels of a page, in its language, are
    translated once per language and kept (they were translated again on every page)."""
    from inspir_events.needs import board_page
    from inspir_events.needs.rules import NeedStatus

    board_page._labels_in.cache_clear()
    seen = {}
    for language in ("fr", "en", "fr", "en", "fr"):
        with app.test_request_context("/needs", headers={"Accept-Language": language}):
            labels = board_page.labels()
            seen.setdefault(language, labels)
            assert labels is seen[language]
    assert seen["fr"]["status_labels"][NeedStatus.PUBLISHED] != seen["en"]["status_labels"][
        NeedStatus.PUBLISHED]
    assert board_page._labels_in.cache_info().misses == 2
