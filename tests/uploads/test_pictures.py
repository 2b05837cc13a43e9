"""A subject's picture through its page (issue 20 §4): sent by those allowed, shown with
its renditions and alternative text, served with a year's immutable cache and nosniff;
refused files come back on the form, the alternative text typed kept."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from inspir_events.accounts.models import Role
from inspir_events.audit.models import AuditEntry
from inspir_events.uploads import storage
from inspir_events.uploads.models import Picture
from tests.uploads.conftest import bomb, drawn, post_file

ALT = "Des équipes autour d'une table, au hackathon"


def send(client, url: str, data: bytes, alt: str = ALT, filename: str = "photo.jpg"):
    return post_file(client, url, {"image": (data, filename), "alt": alt})


def picture_url(event) -> str:
    return f"/pictures/event/{event.id}"


def test_the_organiser_illustrates_the_event(app, client, db, login, make_event, organiser):
    event = make_event()
    login(organiser)
    assert client.get(picture_url(event)).status_code == 200
    response = send(client, picture_url(event), drawn("JPEG"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    picture = db.session.scalar(select(Picture))
    assert (picture.subject_type, picture.subject_id, picture.alt) == ("event", event.id, ALT)
    assert [r["width"] for r in picture.renditions] == [320, 640, 1280]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    img = re.search(r"<img class=\"subject-picture\"[^>]*>", page, re.S).group(0)
    assert f'alt="{ALT}"'.replace("'", "&#39;") in img
    for rendition in picture.renditions:
        assert f"/media/{rendition['name']} {rendition['width']}w" in img
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "picture.set"))
    assert entry.actor_id == organiser.id and entry.object_id == str(event.id)


def test_the_files_are_served_with_their_type_a_long_cache_and_nosniff(app, client, db, login,
                                                                        make_event, organiser):
    event = make_event()
    login(organiser)
    send(client, picture_url(event), drawn("WEBP"), filename="photo.png")
    picture = db.session.scalar(select(Picture))
    client.post_form("/logout")
    response = client.get(f"/media/{picture.largest['name']}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"  # read, not the client's .png
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(response.data)).size == (1280, 720)
    response.close()
    again = client.get(f"/media/{picture.largest['name']}",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    again.close()


def test_private_documents_and_unknown_names_are_not_served(app, client):
    with app.app_context():
        name = storage.put("documents", b"%PDF-1.4 secret", "pdf")
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get("/media/" + "0" * 64 + ".png").status_code == 404
    assert client.get("/media/..%2Finspir.db").status_code == 404


def form_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def test_refused_files_are_shown_under_the_field_with_the_text_kept(client, db, login,
                                                                     make_event, organiser):
    event = make_event()
    login(organiser)
    cases = [(b"GIF89a not really", "ni une image JPEG, PNG ou WebP"),  # a fake .jpg
             (bomb(), "trop grande en pixels"),
             (b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10), "plus de 5 Mo")]
    for data, message in cases:
        response = send(client, picture_url(event), data)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert message in form_error(page, "image"), form_error(page, "image")
        assert 'value="Des équipes autour d&#39;une table, au hackathon"' in page
    assert db.session.scalar(select(func.count(Picture.id))) == 0


def test_the_alternative_text_is_required(client, db, login, make_event, organiser):
    event = make_event()
    login(organiser)
    response = send(client, picture_url(event), drawn("PNG"), alt="   ")
    assert response.status_code == 422
    assert "Décrivez l'image" in form_error(response.get_data(as_text=True), "alt") \
        or "Décrivez" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Picture.id))) == 0


def test_a_body_beyond_the_request_limit_is_refused_413(app, client, login, make_event,
                                                       organiser):
    event = make_event()
    login(organiser)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = send(client, picture_url(event), b"\xff\xd8" + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 413


def test_sending_files_is_limited_per_account(app, client, db, login, make_event, organiser):
    """Pictures and PDFs share one limit per account (each costs disk and CPU): 429."""
    event = make_event()
    login(organiser)
    app.config["UPLOADS_LIMIT"] = "2 per hour"
    assert send(client, picture_url(event), drawn("PNG", size=(100, 50))).status_code == 303
    assert send(client, picture_url(event), b"not a picture").status_code == 422
    refused = send(client, picture_url(event), drawn("PNG", size=(100, 50)))
    assert refused.status_code == 429
    assert "beaucoup de fichiers" in refused.get_data(as_text=True)
    assert client.get(picture_url(event)).status_code == 200  # reading is not counted


def test_a_structure_and_a_projects_team_illustrate_their_own(client, db, login, make_user):
    from inspir_events.aid.projects import services as pipeline

    structure = make_user("incubateur@example.org", roles=(Role.SUPPORT_STRUCTURE,))
    other = make_user("autre@example.org", roles=(Role.SUPPORT_STRUCTURE,))
    author = make_user("porteuse@example.org")
    project = pipeline.propose_project(author, "Atelier vélo", "Réparer ensemble.", "80", None)
    login(structure)
    assert send(client, f"/pictures/support_structure/{structure.id}",
                drawn("PNG", size=(400, 300)), alt="L'atelier").status_code == 303
    assert client.get(f"/pictures/support_structure/{other.id}").status_code == 403
    assert client.get(f"/pictures/project/{project.id}").status_code == 403
    page = client.get(f"/structures/{structure.id}").get_data(as_text=True)
    assert 'alt="L&#39;atelier"' in page
    client.post_form("/logout")
    login(author)
    assert send(client, f"/pictures/project/{project.id}", drawn("JPEG"),
                alt="Le prototype").status_code == 303
    assert {(p.subject_type, p.subject_id) for p in db.session.scalars(select(Picture))} == \
        {("support_structure", structure.id), ("project", project.id)}


def test_only_those_allowed_change_a_picture(client, db, login, make_event, make_user):
    event = make_event()
    login(make_user("other@example.org", roles=(Role.ORGANISER,)))
    assert client.get(picture_url(event)).status_code == 403
    assert send(client, picture_url(event), drawn("PNG")).status_code == 403
    assert client.get("/pictures/need/1").status_code == 404  # needs carry no picture
    assert client.get(f"/pictures/event/{event.id + 1000}").status_code == 404


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_a_new_picture_replaces_the_former_whose_files_go(app, client, db, login, make_event,
                                                           organiser):
    event = make_event()
    login(organiser)
    send(client, picture_url(event), drawn("JPEG"))
    former = db.session.scalar(select(Picture)).names
    send(client, picture_url(event), drawn("PNG", size=(700, 400)))
    db.session.expire_all()
    picture = db.session.scalar(select(Picture))
    assert [r["width"] for r in picture.renditions] == [320, 640]
    names = picture.names
    with app.app_context():
        assert not any(storage.exists("images", name) for name in former)
        assert all(storage.exists("images", name) for name in names)
    response = client.post_form(f"/pictures/event/{event.id}/remove", {},
                                token_from=picture_url(event))
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Picture.id))) == 0
    with app.app_context():
        assert not any(storage.exists("images", name) for name in names)
