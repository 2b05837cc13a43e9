"""Posting, editing and withdrawing a need: field errors, quota, pre-moderation."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inspir_events.extensions import db as _db
from inspir_events.needs import services
from inspir_events.needs.models import Need
from inspir_events.needs.rules import NeedStatus, Visibility
from inspir_events.timeutil import utcnow
from tests.pages import parse

GOOD = {
    "title": "Un bus le dimanche entre Abbeville et Amiens",
    "description": "Le dimanche, **aucun bus** ne relie nos villages.\n\n- Abbeville\n- Amiens",
    "department": "80",
    "commune": "Abbeville",
    "theme": "transports",
    "tags": "Bus, dimanche, bus",
}


def post_need(client, data, **kwargs):
    return client.post_form("/needs/new", data, token_from="/needs/new", **kwargs)


def count_needs(db):
    return db.session.scalar(select(func.count()).select_from(Need))


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def typed(textarea) -> str:
    """A textarea's content as sent back (HTML drops the newline after the start tag)."""
    raw = "".join(c for c in textarea.children if isinstance(c, str))
    return raw.removeprefix("\r\n").removeprefix("\n").replace("\r\n", "\n")


def test_a_citizen_posts_a_need(client, db, citizen):
    response = post_need(client, GOOD)
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert response.headers["Location"] == f"/needs/{need.id}"
    assert need.author_id == citizen.id
    assert need.title == GOOD["title"]
    assert need.department_code == "80" and need.commune == "Abbeville"
    assert need.theme_code == "transports"
    assert need.tags == ["bus", "dimanche"]
    assert need.status == NeedStatus.PUBLISHED and need.visibility == Visibility.PUBLIC
    assert need.supporters_count == 0
    page = client.get(response.headers["Location"])
    doc = parse(page.get_data(as_text=True))
    assert doc.find("h1").text == GOOD["title"]
    assert doc.find("strong").text == "aucun bus"  # Markdown rendered
    assert "Votre besoin est publié. Merci\u00a0!" in text_of(page)
    assert need.title in text_of(client.get("/needs"))


def test_the_commune_is_optional_and_the_description_is_sanitised(client, db, citizen):
    data = dict(GOOD, commune="", tags="",
                description='Voir [ici](javascript:alert(1)) <script>alert(2)</script> '
                            '<img src=x onerror=alert(3)>')
    assert post_need(client, data).status_code == 302
    need = db.session.scalar(select(Need))
    assert need.commune is None and need.tags == []
    assert "script" not in need.description_html
    assert "onerror" not in need.description_html
    assert "javascript:" not in need.description_html
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "alert(2)" not in page and "onerror" not in page


@pytest.mark.parametrize("title", ["x" * 5, "x" * 120, "  " + "x" * 120 + "  "])
def test_title_bounds_are_accepted(client, db, citizen, title):
    assert post_need(client, dict(GOOD, title=title)).status_code == 302
    assert db.session.scalar(select(Need.title)) == title.strip()


def test_a_ten_thousand_character_description_and_five_tags_are_accepted(client, db, citizen):
    data = dict(GOOD, description="x" * 10_000, tags="un, deux, trois, quatre, cinq")
    assert post_need(client, data).status_code == 302
    need = db.session.scalar(select(Need))
    assert len(need.description) == 10_000
    assert need.tags == ["un", "deux", "trois", "quatre", "cinq"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_visitors_are_sent_to_log_in(client, db, method):
    send = {"get": lambda: client.get("/needs/new"),
            "post": lambda: client.post_form("/needs/new", GOOD)}[method]
    response = send()
    assert response.status_code == 302
    # a GET comes back to itself; a post without a same-site Referer to the plain log-in
    assert response.headers["Location"].startswith("/login")
    if method == "get":
        assert response.headers["Location"] == "/login?next=/needs/new"
    assert count_needs(db) == 0


BAD = {
    "missing territory": ("department", {"department": ""}),
    "unknown department": ("department", {"department": "75"}),
    "missing theme": ("theme", {"theme": ""}),
    "unknown theme": ("theme", {"theme": "conquete_spatiale"}),
    "121-character title": ("title", {"title": "t" * 121}),
    "4-character title": ("title", {"title": "Vélo"}),
    "blank title": ("title", {"title": "   "}),
    "4 characters between spaces": ("title", {"title": "   Vélo   "}),
    "10,001-character description": ("description", {"description": "d" * 10_001}),
    "empty description": ("description", {"description": ""}),
    "6 tags": ("tags", {"tags": "un, deux, trois, quatre, cinq, six"}),
    "41-character tag": ("tags", {"tags": "ok, " + "m" * 41}),
    "101-character commune": ("commune", {"commune": "c" * 101}),
}


@pytest.mark.parametrize(("field", "change"), BAD.values(), ids=BAD.keys())
def test_bad_input_is_refused_with_a_field_error_and_kept(client, db, citizen, field, change):
    data = dict(GOOD, **change)
    response = post_need(client, data)
    assert response.status_code == 422
    assert count_needs(db) == 0
    doc = parse(response.get_data(as_text=True))
    error = doc.by_id(f"{field}-error")
    assert error is not None and error.text
    control = doc.by_id(field)
    assert control.get("aria-invalid") == "true"
    assert f"{field}-error" in control.get("aria-describedby").split()
    assert doc.find("div", class_="error-summary") is not None
    # what was typed is kept
    assert doc.by_id("title").get("value") == data["title"].strip()
    assert typed(doc.by_id("description")) == data["description"]
    assert doc.by_id("tags").get("value") == data["tags"]
    assert doc.by_id("commune").get("value") == data["commune"]
    if data["department"] == "80":
        assert "selected" in doc.by_id("department").find("option", value="80").attrs


def test_field_errors_are_in_french_and_in_english_on_request(client, citizen):
    data = dict(GOOD, title="Vélo", theme="conquete_spatiale")
    french = text_of(post_need(client, data))
    assert "Le titre doit comporter entre 5 et 120 caractères." in french
    english = text_of(post_need(client, dict(GOOD, theme="conquete_spatiale"),
                                headers={"Accept-Language": "en"}))
    assert "Choose a theme from the list." in english


# --- Editing ---

def edit_data(**changes):
    data = dict(GOOD, title="Un bus le dimanche et les jours fériés", tags="bus, férié")
    data.update(changes)
    return data


def test_the_author_edits_the_need(client, db, citizen, make_need):
    need = make_need(author=citizen)
    form = parse(client.get(f"/needs/{need.id}/edit").get_data(as_text=True))
    assert form.by_id("title").get("value") == need.title
    assert "selected" in form.by_id("department").find("option", value="80").attrs
    response = client.post_form(f"/needs/{need.id}/edit", edit_data(description="Les trains"),
                                token_from=f"/needs/{need.id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/needs/{need.id}"
    edited = db.session.get(Need, need.id)
    assert edited.title == "Un bus le dimanche et les jours fériés"
    assert edited.tags == ["bus", "férié"]
    assert "Les trains" in edited.description_html
    # the search sees the new text
    assert edited.title in text_of(client.get("/needs?q=feries"))


def test_bad_edits_are_refused_with_field_errors(client, db, citizen, make_need):
    need = make_need(author=citizen, title="Un titre de départ")
    response = client.post_form(f"/needs/{need.id}/edit", edit_data(title="t" * 121),
                                token_from=f"/needs/{need.id}/edit")
    assert response.status_code == 422
    assert 'id="title-error"' in response.get_data(as_text=True)
    assert db.session.get(Need, need.id).title == "Un titre de départ"


def test_editing_stops_once_an_event_addresses_the_need(client, db, citizen, make_need):
    need = make_need(author=citizen, title="Un titre de départ")
    services.mark_addressed([need.id])
    db.session.commit()
    page = client.get(f"/needs/{need.id}/edit")
    assert page.status_code == 303
    assert page.headers["Location"] == f"/needs/{need.id}"
    refused = client.post_form(f"/needs/{need.id}/edit", edit_data(),
                               token_from=f"/needs/{need.id}")
    assert refused.status_code == 303
    assert "ne peut plus être modifié" in text_of(client.get(f"/needs/{need.id}"))
    assert db.session.get(Need, need.id).title == "Un titre de départ"
    detail = parse(client.get(f"/needs/{need.id}").get_data(as_text=True))
    assert detail.find("a", href=f"/needs/{need.id}/edit") is None


def test_the_service_refuses_an_edit_after_addressing(db, make_user, make_need):
    author = make_user()
    need = make_need(author=author)
    services.mark_addressed([need.id])
    db.session.commit()
    data = services.NeedInput(title="Un autre titre", description="x", department_code="80",
                              theme_code="sante")
    with pytest.raises(services.InvalidState):
        services.edit(author, need.id, data)


def test_editing_someone_elses_need_is_forbidden(client, db, citizen, make_need):
    need = make_need(title="Le besoin de quelqu’un d’autre")
    assert client.get(f"/needs/{need.id}/edit").status_code == 403
    token = client.csrf_token(f"/needs/{need.id}")
    response = client.post(f"/needs/{need.id}/edit", data=dict(edit_data(), csrf_token=token))
    assert response.status_code == 403
    assert db.session.get(Need, need.id).title == "Le besoin de quelqu’un d’autre"


def test_editing_a_missing_need_is_not_found(client, citizen):
    assert client.get("/needs/999/edit").status_code == 404


# --- Withdrawing ---

def test_the_author_withdraws_the_need(app, client, db, citizen, make_need):
    need = make_need(author=citizen, title="Un besoin à retirer")
    response = client.post_form(f"/needs/{need.id}/withdraw", token_from=f"/needs/{need.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/needs/mine"
    assert db.session.get(Need, need.id).status == NeedStatus.WITHDRAWN
    assert "Un besoin à retirer" not in text_of(client.get("/needs"))
    assert "Un besoin à retirer" not in text_of(client.get("/needs/territory/80"))
    assert "Un besoin à retirer" not in text_of(client.get("/needs?q=retirer"))
    # still visible to its author, with a notice; gone for everyone else
    assert "Ce besoin a été retiré" in text_of(client.get(f"/needs/{need.id}"))
    assert app.test_client().get(f"/needs/{need.id}").status_code == 404


def test_only_the_author_withdraws(client, db, citizen, make_need):
    need = make_need(title="Un besoin à garder")
    response = client.post_form(f"/needs/{need.id}/withdraw", token_from=f"/needs/{need.id}")
    assert response.status_code == 403
    assert db.session.get(Need, need.id).status == NeedStatus.PUBLISHED
    assert "Un besoin à garder" in text_of(client.get("/needs"))


def test_visitors_cannot_withdraw(app, db, make_need):
    need = make_need()
    visitor = app.test_client()
    response = visitor.post_form(f"/needs/{need.id}/withdraw", token_from="/needs")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert db.session.get(Need, need.id).status == NeedStatus.PUBLISHED


def test_an_addressed_need_cannot_be_withdrawn(client, db, citizen, make_need):
    need = make_need(author=citizen)
    services.mark_addressed([need.id])
    db.session.commit()
    response = client.post_form(f"/needs/{need.id}/withdraw", token_from=f"/needs/{need.id}")
    assert response.status_code == 303
    assert db.session.get(Need, need.id).status == NeedStatus.ADDRESSED


# --- Daily quota ---

def ten_recent_needs(make_need, author):
    for _ in range(10):
        make_need(author=author, created_at=utcnow() - timedelta(hours=1))


def test_the_eleventh_need_of_the_day_is_refused_in_french(client, db, citizen, make_need):
    ten_recent_needs(make_need, citizen)
    response = post_need(client, GOOD)
    assert response.status_code == 429
    text = text_of(response)
    assert ("Vous avez déposé 10 besoins au cours des dernières 24 heures, soit le maximum "
            "autorisé.") in text
    doc = parse(response.get_data(as_text=True))
    assert doc.by_id("title").get("value") == GOOD["title"]
    assert typed(doc.by_id("description")) == GOOD["description"]
    assert count_needs(db) == 10


def test_the_quota_message_in_english(client, citizen, make_need):
    ten_recent_needs(make_need, citizen)
    response = post_need(client, GOOD, headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "You have posted 10 needs in the last 24 hours" in text_of(response)


def test_needs_older_than_a_day_do_not_count(client, db, citizen, make_need):
    for _ in range(9):
        make_need(author=citizen, created_at=utcnow() - timedelta(hours=2))
    make_need(author=citizen, created_at=utcnow() - timedelta(hours=25))
    assert post_need(client, GOOD).status_code == 302
    assert post_need(client, GOOD).status_code == 429


def test_the_quota_is_per_account(client, db, citizen, make_need, make_user):
    ten_recent_needs(make_need, make_user())
    assert post_need(client, GOOD).status_code == 302


# --- Pre-moderation ---

def test_with_premoderation_a_new_need_waits_for_approval(make_app, make_user, login):
    app = make_app(NEEDS_PREMODERATION=True)
    author_client, visitor = app.test_client(), app.test_client()
    with app.app_context():
        author = make_user()
        login(author, on=author_client)
        response = post_need(author_client, GOOD)
        assert response.status_code == 302
        need_id = int(response.headers["Location"].rsplit("/", 1)[1])
        page = author_client.get(f"/needs/{need_id}")
        assert page.status_code == 200
        text = text_of(page)
        assert "il sera publié après validation" in text
        assert "Ce besoin attend la validation de la modération" in text
        assert "En attente de modération" in text_of(author_client.get("/needs/mine"))
        assert _db.session.get(Need, need_id).visibility == Visibility.PENDING
        assert GOOD["title"] not in text_of(visitor.get("/needs"))
        assert GOOD["title"] not in text_of(author_client.get("/needs"))
        assert visitor.get(f"/needs/{need_id}").status_code == 404


def test_without_premoderation_a_new_need_is_public(client, db, citizen):
    post_need(client, GOOD)
    assert db.session.scalar(select(Need.visibility)) == Visibility.PUBLIC


def test_editing_keeps_reorders_and_drops_tags(client, db, citizen, make_need):
    need = make_need(author=citizen, tags=["bus", "dimanche", "gare"])
    response = client.post_form(f"/needs/{need.id}/edit", edit_data(tags="gare, Bus, train"),
                                token_from=f"/needs/{need.id}/edit")
    assert response.status_code == 302
    assert db.session.get(Need, need.id).tags == ["gare", "bus", "train"]
    assert "Un bus le dimanche et les jours fériés" in text_of(client.get("/needs?tag=train"))
    assert "Aucun besoin ne correspond" in text_of(client.get("/needs?tag=dimanche"))


def test_a_withdrawn_need_can_no_longer_be_edited(client, db, citizen, make_need):
    need = make_need(author=citizen, status=NeedStatus.WITHDRAWN)
    response = client.get(f"/needs/{need.id}/edit")
    assert response.status_code == 303
    assert ("Ce besoin est retiré\u00a0: il ne peut plus être modifié."
            in text_of(client.get(response.headers["Location"])))
