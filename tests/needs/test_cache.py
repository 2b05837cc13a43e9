"""Anonymous board pages are served from a short-lived cache; signed-in pages never are."""

import pytest

from inspir_events.extensions import cache
from tests.conftest import PASSWORD


@pytest.fixture
def app(app):
    """The usual test application, with the board cache switched on."""
    app.config["BOARD_CACHE_SECONDS"] = 60
    with app.app_context():
        cache.clear()
    return app


def test_anonymous_board_is_cached_per_address_and_language(client, make_need):
    make_need(title="Premier besoin du test")
    assert "Premier besoin du test" in client.get("/needs").get_data(as_text=True)
    make_need(title="Second besoin du test")
    # the same address within the cache lifetime: the cached body
    assert "Second besoin du test" not in client.get("/needs").get_data(as_text=True)
    # another address, or another language, is another entry
    assert "Second besoin du test" in client.get("/needs?sort=newest").get_data(as_text=True)
    english = client.get("/needs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Second besoin du test" in english


def test_cached_pages_carry_the_visitors_own_csrf_token(app, make_need):
    make_need(title="Un besoin pour deux visiteurs")
    first, second = app.test_client(), app.test_client()
    first.get("/needs")
    token = second.csrf_token("/needs")
    assert token in second.get("/needs").get_data(as_text=True)
    assert first.csrf_token("/needs") != token
    response = second.post("/language", data={"lang": "en", "csrf_token": token,
                                              "next": "/needs"})
    assert response.status_code == 302


def test_signed_in_people_always_get_a_fresh_board(client, make_need, make_user):
    user = make_user()
    make_need(title="Besoin déjà en cache")
    client.get("/needs")
    make_need(title="Besoin tout frais")
    client.post_form("/login", {"email": user.email, "password": PASSWORD}, token_from="/login")
    assert "Besoin tout frais" in client.get("/needs").get_data(as_text=True)
