"""The files in people's data (issue 20 §4): the export carries the pictures and PDFs the
person sent, their bytes in base64; deleting an account deletes its structure's picture
(the account's own) and keeps an event's picture and an application's PDFs (the event's
and the organisation's), without the person's name."""

from __future__ import annotations

import base64
import json

from sqlalchemy import select

from inspir_events.accounts import privacy
from inspir_events.accounts.models import Role
from inspir_events.aid.cofunding import documents
from inspir_events.aid.cofunding import services as applications
from inspir_events.aid.cofunding.models import ApplicationFile
from inspir_events.demo_uploads import pdf
from inspir_events.pictures import services as pictures
from inspir_events.uploads import storage
from inspir_events.uploads.models import Picture
from tests.aid.conftest import application_input
from tests.conftest import PASSWORD
from tests.uploads.conftest import drawn

BUDGET = pdf(["Budget"])


def test_the_export_carries_the_files_sent(app, client, db, login, labelled_event, organiser):
    event = labelled_event()
    applications.save_draft(organiser, event.id, application_input())
    documents.upload(organiser, event.id, "budget", BUDGET)
    picture = pictures.set_picture(organiser, "event", event.id, drawn("PNG", size=(700, 400)),
                                   "Le lieu du hackathon")
    login(organiser)
    response = client.post_form("/account/export", {}, token_from="/account/export")
    data = json.loads(response.get_data(as_text=True))
    assert [row["alt"] for row in data["pictures"]] == ["Le lieu du hackathon"]
    assert [row["kind"] for row in data["cofunding_application_files"]] == ["budget"]
    files = {f["name"]: f for f in data["files"]}
    budget = db.session.scalar(select(ApplicationFile)).name
    assert base64.b64decode(files[budget]["content_base64"]) == BUDGET
    assert files[budget]["content_type"] == "application/pdf"
    assert files[budget]["section"] == "cofunding_application_files"
    with app.app_context():
        for name in picture.names:
            assert base64.b64decode(files[name]["content_base64"]) == \
                storage.read("images", name)
            assert files[name]["content_type"] == "image/png"


def test_deleting_an_account_deletes_its_own_picture_and_keeps_the_others(
        app, client, db, login, labelled_event, organiser, make_user):
    structure = make_user("incubateur@example.org", roles=(Role.SUPPORT_STRUCTURE,))
    own = pictures.set_picture(structure, "support_structure", structure.id,
                               drawn("JPEG"), "L'atelier")
    own_names = own.names
    event = labelled_event()
    kept = pictures.set_picture(organiser, "event", event.id, drawn("WEBP"), "Le lieu")
    kept_id, kept_names = kept.id, kept.names
    applications.save_draft(organiser, event.id, application_input())
    budget = documents.upload(organiser, event.id, "budget", BUDGET)
    budget_id, budget_name = budget.id, budget.name

    with app.test_request_context():
        privacy.delete_account(structure, PASSWORD)
        privacy.delete_account(organiser, PASSWORD)
    db.session.expire_all()
    assert db.session.scalar(select(Picture).where(
        Picture.subject_type == "support_structure")) is None
    assert db.session.get(Picture, kept_id).uploaded_by_id is None
    assert db.session.get(ApplicationFile, budget_id).uploaded_by_id is None
    with app.app_context():
        assert not any(storage.exists("images", name) for name in own_names)
        assert all(storage.exists("images", name) for name in kept_names)
        assert storage.exists("documents", budget_name)
    assert client.get(f"/structures/{structure.id}").status_code == 404
