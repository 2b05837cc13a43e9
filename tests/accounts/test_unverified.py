"""Until their address is confirmed a person browses and edits their profile, but takes
part in nothing: every door that acts answers 403 with why and the button that sends the
link again (issue 17 §2; accounts.permissions.verified_required). The socket's vote door:
tests/voting/test_events.py."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.verification import send_confirmation
from inspir_events.database import begin_write
from inspir_events.needs.models import Need
from tests.conftest import link_path
from tests.pages import parse
from tests.test_security import snapshot

# Every guarded door: the guard answers before the view looks anything up.
GUARDED = [
    ("get", "/needs/new"), ("post", "/needs/new"),
    ("post", "/events/1/register"),
    ("get", "/events/1/teams/new"), ("post", "/events/1/teams/new"),
    ("post", "/teams/1/join"),
    ("get", "/events/1/ideas/new"), ("post", "/events/1/ideas/new"),
    ("post", "/rounds/1/vote"),
    ("get", "/events/1/cofunding"), ("post", "/events/1/cofunding"),
]


@pytest.fixture
def unconfirmed(client, make_user, login):
    user = make_user("nadia@example.org", verified=False)
    login(user)
    return user


@pytest.mark.parametrize(("method", "url"), GUARDED)
def test_an_unconfirmed_address_takes_part_in_nothing(client, db, unconfirmed, method, url):
    before = snapshot(db)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post_form(url, {"title": "x"}, token_from="/profile")
    assert response.status_code == 403
    doc = parse(response.get_data(as_text=True))
    assert "Confirmez d’abord votre adresse" in doc.find("h1").text
    assert "nadia@example.org" in doc.find("main").text
    resend = doc.find("main").find("form", action="/account/confirm/resend")
    assert resend is not None and resend.find("button").text == "Renvoyer le lien"
    assert snapshot(db) == before


def test_an_unconfirmed_address_browses_and_edits_its_profile(client, db, unconfirmed):
    for url in ("/", "/needs", "/events", "/profile", "/notifications"):
        assert client.get(url).status_code == 200, url
    response = client.post_form("/profile", {"display_name": "Nadia H.", "department": "80",
                                             "bio": ""}, token_from="/profile")
    assert response.status_code == 302
    db.session.refresh(unconfirmed)
    assert unconfirmed.display_name == "Nadia H."
    # every page says it, and where to get the link again
    notice = parse(client.get("/needs").get_data(as_text=True)).find("p", class_="notice")
    assert "pas encore confirmée" in notice.text


def test_once_confirmed_the_same_person_posts_a_need(client, db, unconfirmed, outbox):
    begin_write()
    send_confirmation(unconfirmed)
    db.session.commit()
    (message,) = outbox(kind="account.verify")
    link = link_path(message, "/account/confirm/")
    client.post_form(link, token_from=link)
    response = client.post_form("/needs/new", {
        "title": "Un bus le dimanche", "description": "Aucun bus ne relie nos villages.",
        "department": "80", "theme": "sante", "tags": ""}, token_from="/needs/new")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Need)) == 1
