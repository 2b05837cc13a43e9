"""Every need page reads in French by default and in English on request, with nothing leaked."""

from __future__ import annotations

import html

import pytest

from inspir_events.accounts.models import Role
from inspir_events.needs import services
from tests.test_i18n import translated_pairs


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
    pairs = translated_pairs()
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        text = html.unescape(response.get_data(as_text=True))
        leaked = [msgid for msgid, _ in pairs if len(msgid) >= 8 and msgid in text]
        assert not leaked, f"{path} shows untranslated strings: {leaked}"


def test_need_pages_have_no_french_left_in_english(client, pages):
    pairs = translated_pairs()
    for path in pages:
        response = client.get(path, headers={"Accept-Language": "en"})
        text = html.unescape(response.get_data(as_text=True))
        leaked = [fr for _, fr in pairs if len(fr) >= 8 and fr in text]
        assert not leaked, f"{path} in English shows French strings: {leaked}"
