"""Every voting page in French and in English, with nothing of the other language left."""

from __future__ import annotations

import html

import pytest

from inspir_events.voting import results as result_cases
from inspir_events.voting import rounds as round_cases
from inspir_events.voting import votes as vote_cases
from tests.test_i18n import translated_pairs


@pytest.fixture
def pages(db, client, login, organiser, voting_setup, make_round, make_need, make_idea):
    """The voting pages with their sections shown, seen by the organiser."""
    s = voting_setup()
    need = make_need(title="Un bus le dimanche")
    draft_idea = make_idea(s.members[1][1], title="Navette des marchés", need=need)
    vote_cases.cast_vote(s.outsider.id, s.round.id, s.ideas[1].id)
    round_cases.close_round(organiser, s.round.id)
    result_cases.confirm_winners(organiser, s.round.id, 1)
    draft = make_round(open=False, require_check_in=True, visibility="at_close")
    login(organiser)
    client.get("/")  # shows the log-in message
    return [f"/events/{s.event.id}/ideas", f"/ideas/{s.ideas[0].id}",
            f"/ideas/{draft_idea.id}", f"/events/{s.event.id}/rounds",
            f"/rounds/{s.round.id}", f"/rounds/{s.round.id}/results", f"/rounds/{draft.id}",
            f"/needs/{need.id}", f"/events/{s.event.id}"]


def _texts(client, pages, **headers):
    for path in pages:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        yield path, html.unescape(response.get_data(as_text=True))


def test_voting_pages_have_no_english_left_in_french(client, pages):
    pairs = translated_pairs()
    everything = ""
    for path, text in _texts(client, pages):
        leaked = [msgid for msgid, _ in pairs if len(msgid) >= 8 and msgid in text]
        assert not leaked, f"{path} shows untranslated strings: {leaked}"
        everything += text
    for expected in ["Tours de vote", "Lauréats", "Classement", "Créer un tour de vote",
                     "Navette des marchés", "Ouvrir le tour de vote"]:
        assert expected in everything, expected


def test_voting_pages_have_no_french_left_in_english(client, pages):
    pairs = translated_pairs()
    for path, text in _texts(client, pages, **{"Accept-Language": "en"}):
        leaked = [fr for _, fr in pairs if len(fr) >= 8 and fr in text]
        assert not leaked, f"{path} in English shows French strings: {leaked}"
