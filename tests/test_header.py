"""The site's header (templates/_header.html, app.site_header): rendered once for everything
it shows, each page's copy with its own CSRF token and return address, never stale."""

from __future__ import annotations

import re

import pytest

from inspir_events import app as app_module
from inspir_events.accounts import services as account_services
from inspir_events.accounts.models import Role
from inspir_events.notifications import services as notifications
from tests.pages import parse


def header_of(response):
    return header_of_text(response.get_data(as_text=True))


def header_of_text(page: str):
    return parse(page).find("header", class_="site-header")


def tokens_in(header) -> set[str]:
    return {field.get("value") for field in header.find_all("input", name="csrf_token")}


@pytest.fixture
def renders(monkeypatch):
    """The header's renders (not its copies), counted."""
    counted = []
    real = app_module.render_template

    def counting(name, **context):
        if name == "_header.html":
            counted.append(context["endpoint"])
        return real(name, **context)

    monkeypatch.setattr(app_module, "render_template", counting)
    app_module._rendered_header.cache_clear()
    yield counted
    app_module._rendered_header.cache_clear()


def test_the_header_is_rendered_once_and_each_copy_is_the_request_s(app, client, login,
                                                                   make_user, renders):
    user = make_user(display_name="Awa")
    other_client = app.test_client()
    login(user)
    login(user, on=other_client)
    renders.clear()  # the log-in page's
    page = client.get("/accessibilite?vue=<b>").get_data(as_text=True)
    first = header_of_text(page)
    second = header_of(other_client.get("/accessibilite?vue=2"))
    assert renders == ["main.accessibility"]  # once for both
    assert "Awa" in first.text and "Awa" in second.text
    # Each copy carries its own session's token, in both of its forms...
    assert len(tokens_in(first)) == 1 and len(tokens_in(second)) == 1
    assert tokens_in(first) != tokens_in(second)
    # ... and the address the language switch returns to, escaped.
    assert first.find("input", name="next").get("value") == "/accessibilite?vue=<b>"
    assert "vue=<b>" not in page and "vue=&lt;b&gt;" in page
    assert second.find("input", name="next").get("value") == "/accessibilite?vue=2"
    assert "\x00" not in page
    # The token accepted: the language switch posted from the page works.
    response = client.post("/language", data={
        "lang": "en", "next": "/accessibilite",
        "csrf_token": tokens_in(first).pop()})
    assert response.status_code == 302


def test_the_header_shows_what_it_shows_now(app, client, db, login, make_user, renders):
    """Every fact of the header is part of its key: a change shows at once."""
    user = make_user(display_name="Awa")
    admin = make_user(roles=(Role.ADMIN,))
    login(user)
    renders.clear()  # the log-in page's

    def header():
        return header_of(client.get("/needs"))

    before = header()
    assert before.find("a", href="/committee/labels") is None
    assert before.find("span", class_="count-badge") is None
    assert before.find("a", **{"aria-current": "page"}).text == "Besoins"

    notifications.notify([user.id], "event.cancelled", url="/events/2", event="Rencontre")
    db.session.commit()
    assert header().find("span", class_="count-badge").text.startswith("1")

    account_services.set_roles(admin, user, [Role.COMMITTEE])
    assert header().find("a", href="/committee/labels") is not None

    account_services.update_profile(user, display_name="Awa Diallo", department_code=None,
                                    skill_codes=[], bio="")
    assert "Awa Diallo" in header().text

    current = header_of(client.get("/store")).find("a", **{"aria-current": "page"})
    assert current.text == "Boutique d’innovations" or "store" in current.get("href")

    english = header_of(client.get("/needs", headers={"Accept-Language": "en"},
                                   environ_base={"HTTP_COOKIE": "lang=en"}))
    assert english.find("a", **{"aria-current": "page"}).text == "Needs"
    assert len(renders) == 6  # one render per state shown, none for the same state again
    header()
    assert len(renders) == 6


def test_visitors_get_the_header_with_its_sign_in_links(client, renders):
    page = header_of(client.get("/needs"))
    assert page.find("a", href="/login") is not None and page.find("a", href="/signup")
    assert len(tokens_in(page)) == 1  # the language switch's
    assert re.search(r"csrf|next", "".join(renders)) is None
