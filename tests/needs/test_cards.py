"""A board's cards are kept once rendered (needs/cards.py): never stale, never another's.

Each test renders the board first, so that its cards are kept, then changes what a card
shows and reads the board again: the change shows at once, with no wait.
"""

from __future__ import annotations

import re

import pytest

from inspir_events.discussions.models import Comment
from inspir_events.discussions.rules import CommentState
from inspir_events.needs import services
from inspir_events.needs.rules import NeedStatus
from inspir_events.timeutil import utcnow
from tests.pages import parse


def card(client, need_id: int):
    """The need's card on the board (the first page), as parsed HTML."""
    response = client.get("/needs")
    assert response.status_code == 200
    found = parse(response.get_data(as_text=True)).find(
        "article", aria_labelledby=f"need-{need_id}-title")
    assert found is not None
    return found


@pytest.fixture
def shown(make_need, citizen, client):
    need = make_need(title="Un bus le dimanche", tags=["bus"])
    card(client, need.id)  # rendered and kept
    return need


def test_an_edited_need_shows_at_once(client, db, shown):
    services.edit(shown.author, shown.id, services.NeedInput(
        title="Un car le dimanche", description="Le dimanche, aucun car.",
        department_code="59", theme_code="sante", tags=["car", "dimanche"]))
    text = card(client, shown.id).text
    assert "Un car le dimanche" in text and "Un bus" not in text
    assert "59 Nord" in text and "#car" in text and "#dimanche" in text and "#bus" not in text


def test_a_new_status_shows_at_once(client, db, shown):
    shown.status = NeedStatus.ADDRESSED
    db.session.commit()
    assert card(client, shown.id).find("span", class_="status").get("class") == \
        "status status-addressed"


def test_supports_and_comments_show_at_once(client, db, shown, make_user, citizen):
    services.set_support(make_user(display_name="Sam"), shown.id, True)
    assert card(client, shown.id).find(data_count=True).text == "1"
    services.set_support(citizen, shown.id, True)
    button = card(client, shown.id).find("button", class_="support-button")
    assert button.get("aria-pressed") == "true"
    assert card(client, shown.id).find(data_count=True).text == "2"
    services.set_support(citizen, shown.id, False)
    assert card(client, shown.id).find("button").get("aria-pressed") == "false"
    db.session.add(Comment(subject_type="need", subject_id=shown.id, author_id=citizen.id,
                           body="Moi aussi.", content_html="<p>Moi aussi.</p>",
                           state=CommentState.PUBLIC, created_at=utcnow()))
    db.session.commit()
    assert card(client, shown.id).find(class_="comment-count").text == "1 commentaire"


def test_each_session_gets_its_own_csrf_token(app, client, shown, make_user, login):
    other = app.test_client()
    login(make_user(display_name="Noa"), on=other)
    for browser in (client, other):
        page = browser.get("/needs").get_data(as_text=True)
        own = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # the layout's
        in_cards = set(re.findall(
            r'<input name="csrf_token" type="hidden" value="([^"]+)">', page))
        assert in_cards == {own}
    assert browser.post_form(f"/needs/{shown.id}/support", {"supported": "1"},
                             token_from="/needs").status_code == 302


def test_visitors_and_languages_get_their_own_cards(app, client, shown):
    visitor = app.test_client()
    text = card(visitor, shown.id).text
    assert "Connectez-vous pour le soutenir" in text
    assert card(client, shown.id).find("form", class_="support-form") is not None
    english = parse(visitor.get("/needs", headers={"Accept-Language": "en"})
                    .get_data(as_text=True))
    assert "Sign in to support it" in english.text
    assert "Sign in to support it" not in card(visitor, shown.id).text
