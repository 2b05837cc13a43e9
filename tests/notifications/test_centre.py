"""The notification centre: unread count in the header, translated texts, marking read."""

from __future__ import annotations

import html

import pytest
from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from inspir_events.notifications import services
from inspir_events.notifications.models import Notification
from tests.pages import parse


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def unread_badge(response):
    link = parse(response.get_data(as_text=True)).find("a", href="/notifications")
    assert link is not None, "no notifications link in the header"
    return link.find("span", class_="count-badge")


@pytest.fixture
def notified(db, make_user):
    """A user with two notifications (oldest first) and another user with one."""
    user = make_user(display_name="Alice")
    other = make_user(display_name="Bruno")
    services.notify([user.id], "registration.promoted", url="/events/1",
                    event="Atelier santé")
    services.notify([user.id, other.id], "event.cancelled", url="/events/2",
                    event="Rencontre à Laon")
    db.session.commit()
    return user, other


def test_the_header_shows_the_unread_count(client, login, notified):
    user, _ = notified
    assert parse(client.get("/").get_data(as_text=True)).find(
        "a", href="/notifications") is None  # visitors have no centre
    login(user)
    badge = unread_badge(client.get("/"))
    assert badge.text == "2 non lues"
    assert badge.find("span", class_="visually-hidden").text == "non lues"


def test_no_badge_without_unread_notifications(client, login, make_user):
    login(make_user())
    assert unread_badge(client.get("/")) is None


def test_the_centre_lists_the_texts_in_french(client, login, notified):
    user, _ = notified
    login(user)
    response = client.get("/notifications")
    assert response.status_code == 200
    doc = parse(response.get_data(as_text=True))
    items = doc.find("ul", class_="notification-list").find_all("li")
    assert [li.find("a").get("href") for li in items] == ["/events/2", "/events/1"]
    text = text_of(response)
    assert "L’événement «\u00a0Rencontre à Laon\u00a0» auquel vous êtes inscrit est annulé." in text
    assert ("Une place s’est libérée\u00a0: votre inscription à «\u00a0Atelier santé\u00a0» est "
            "confirmée.") in text
    assert all(li.find("span", class_="badge").text == "Nouveau" for li in items)


def test_the_centre_in_english(client, login, notified):
    user, _ = notified
    login(user)
    text = text_of(client.get("/notifications", headers={"Accept-Language": "en"}))
    assert "The event “Rencontre à Laon” you registered for is cancelled." in text
    assert "A place opened up: your registration to “Atelier santé” is confirmed." in text
    assert "annulé" not in text


@pytest.mark.parametrize(("kind", "params", "french"), [
    ("label.granted", {"subject": "Atelier"},
     "Le label INS'pir est attribué à «\u00a0Atelier\u00a0»."),
    ("label.refused", {"subject": "Atelier", "reason": "Trop tôt."},
     "Le label INS'pir est refusé à «\u00a0Atelier\u00a0»\u00a0: Trop tôt."),
    ("organiser.added", {"event": "Atelier"},
     "Vous êtes désormais organisateur de «\u00a0Atelier\u00a0»."),
])
def test_every_kind_has_a_text(app, kind, params, french):
    with app.test_request_context("/"):
        assert services.text(Notification(kind=kind, params=params)) == french


def test_an_unknown_kind_is_refused(db, make_user):
    with pytest.raises(ValueError, match="unknown notification kind"):
        services.notify([make_user().id], "nonsense")


def test_marking_everything_read(client, db, login, notified):
    user, other = notified
    login(user)
    response = client.post_form("/notifications/read", token_from="/notifications")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    page = client.get("/notifications")
    assert "Toutes les notifications sont marquées comme lues." in text_of(page)
    assert unread_badge(page) is None
    assert parse(page.get_data(as_text=True)).find("span", class_="badge") is None
    assert services.unread_count(user.id) == 0
    # the other person's notification stays unread
    assert services.unread_count(other.id) == 1
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id))
    assert all(n.read_at is not None for n in rows)


def test_marking_read_needs_the_form(client, db, login, notified):
    user, _ = notified
    login(user)
    assert client.post("/notifications/read").status_code == 400
    assert services.unread_count(user.id) == 2


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_empty_centre(client, login, make_user):
    login(make_user())
    assert "Aucune notification pour l’instant." in text_of(client.get("/notifications"))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_the_header_count_is_read_with_the_session(client, backend, login, notified,
                                                   statements_run):
    """The header's facts come with the session and its user (app.SESSION_WITH_HEADER_FACTS):
    a signed-in static page runs one statement."""
    login(notified[0])
    client.get("/accessibilite")
    with statements_run() as seen:
        response = client.get("/accessibilite")
    statements = [s for s in seen
                  if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    assert unread_badge(response).text == "2 non lues"
    assert len(statements) == 1, statements
    assert "JOIN user_session" in statements[0] and "FROM notification" in statements[0]


def test_the_header_count_is_read_again_after_a_write_in_the_same_request(app, client, db,
                                                                          login, notified):
    """A request that marks the notifications read, then shows a page, shows no count:
    what was read with the session no longer holds once the request began a write."""

    @app.route("/test/read-then-show")
    def read_then_show():
        services.mark_all_read(current_user.id)
        return render_template("main/accessibility.html", established=None, contact="")

    login(notified[0])
    assert unread_badge(client.get("/accessibilite")).text == "2 non lues"
    assert unread_badge(client.get("/test/read-then-show")) is None
