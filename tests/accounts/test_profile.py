"""Profile: display name, territory, skills from the list, short bio."""

from inspir_events.accounts.models import User


def test_profile_needs_an_account(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_profile_is_saved(client, db, make_user, login):
    user = make_user()
    login(user)
    response = client.post_form("/profile", {
        "display_name": "Camille de Amiens",
        "department": "80",
        "skills": ["design", "usager"],
        "bio": "Habitante d'Amiens, designer.",
    }, token_from="/profile")
    assert response.status_code == 302
    saved = db.session.get(User, user.id)
    assert saved.display_name == "Camille de Amiens"
    assert saved.department_code == "80"
    assert sorted(s.code for s in saved.skills) == ["design", "usager"]
    assert saved.bio == "Habitante d'Amiens, designer."
    page = client.get("/profile").get_data(as_text=True)
    assert '<option selected value="80">' in page


def test_unknown_department_and_skill_are_refused_and_input_kept(client, db, make_user, login):
    user = make_user(display_name="Avant")
    login(user)
    response = client.post_form("/profile", {
        "display_name": "Après",
        "department": "75",
        "skills": ["astrologie"],
        "bio": "texte tapé",
    }, token_from="/profile")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Après"' in page
    assert "texte tapé" in page
    assert db.session.get(User, user.id).display_name == "Avant"


def test_too_long_bio_is_refused(client, db, make_user, login):
    user = make_user()
    login(user)
    response = client.post_form("/profile", {"display_name": "X", "bio": "b" * 501},
                                token_from="/profile")
    assert response.status_code == 422
    assert db.session.get(User, user.id).bio == ""


def test_the_private_calendar_is_renewed_and_revoked_from_the_profile(client, make_user, login):
    import re

    user = make_user()
    login(user)
    assert 'action="/calendar/token"' in client.get("/profile").get_data(as_text=True)
    response = client.post_form("/calendar/token", {"next": "/profile"}, token_from="/profile")
    assert response.status_code == 200  # the address, shown this once
    page = response.get_data(as_text=True)
    feed_url = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', page).group(1)
    assert 'href="/profile"' in page  # back where the person was
    assert feed_url not in client.get("/profile").get_data(as_text=True)  # never again
    assert client.get(feed_url).status_code == 200
    response = client.post_form("/calendar/token/revoke", {"next": "/profile"},
                                token_from="/profile")
    assert response.headers["Location"].endswith("/profile")
    assert client.get(feed_url).status_code == 404
    # an unsafe next is ignored
    response = client.post_form("/calendar/token", {"next": "https://evil.example/"},
                                token_from="/profile")
    assert "evil" not in response.get_data(as_text=True)
