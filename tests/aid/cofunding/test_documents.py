"""A co-funding application's PDFs (issue 20 §4): sent by its organisers beside the links,
judged by their bytes, at most 10 MB; read only by the applicant, the event's organisers,
the committee, the decider it is entrusted to and the jury (the readers' hook), each
download audited, as an attachment with nosniff."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import Role
from inspir_events.aid.cofunding import documents
from inspir_events.aid.cofunding import services as applications
from inspir_events.aid.cofunding.models import ApplicationFile, FileKind
from inspir_events.audit.models import AuditEntry
from inspir_events.demo_uploads import pdf
from inspir_events.uploads import storage
from tests.aid.conftest import application_input
from tests.uploads.conftest import drawn, post_file

BUDGET = pdf(["Budget previsionnel", "Total : 15 000,00 EUR"])


@pytest.fixture
def draft(db, labelled_event, organiser):
    """A labelled event's application saved as a draft by its organiser."""
    event = labelled_event()
    return applications.save_draft(organiser, event.id, application_input())


def upload(client, event_id: int, data: bytes, kind: str = "budget", filename="budget.pdf"):
    page = f"/events/{event_id}/cofunding"
    return post_file(client, f"{page}/files", {"kind": kind, "file": (data, filename)},
                     token_from=page)


def error_of(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def test_the_organiser_sends_a_pdf_beside_the_links(app, client, db, login, draft, organiser):
    login(organiser)
    response = upload(client, draft.event_id, BUDGET)
    assert response.status_code == 303
    row = db.session.scalar(select(ApplicationFile))
    assert (row.kind, row.size, row.uploaded_by_id) == (FileKind.BUDGET, len(BUDGET),
                                                         organiser.id)
    with app.app_context():
        assert storage.read("documents", row.name) == BUDGET
    page = client.get(f"/events/{draft.event_id}/cofunding").get_data(as_text=True)
    assert f"/aid/applications/{draft.id}/files/budget" in page
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "application.file.upload"))
    assert entry.actor_id == organiser.id and entry.details["kind"] == "budget"


def test_a_file_that_is_no_pdf_or_too_large_is_refused_on_the_form(client, db, login, draft,
                                                                    organiser):
    login(organiser)
    cases = [(drawn("PNG"), "n'est pas un PDF"),  # a picture named budget.pdf
             (b"<html>%PDF-1.4</html>", "n'est pas un PDF"),
             (b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), "plus de 10 Mo")]
    for data, message in cases:
        response = upload(client, draft.event_id, data)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert message in error_of(page, "file"), error_of(page, "file")
        assert 'value="Association Les Fabriques"' in page  # the application shown as saved
    assert db.session.scalar(select(ApplicationFile)) is None


def test_a_new_file_replaces_the_former_of_its_kind(app, client, db, login, draft, organiser):
    login(organiser)
    upload(client, draft.event_id, BUDGET)
    former = db.session.scalar(select(ApplicationFile)).name
    newer = pdf(["Budget revu"])
    upload(client, draft.event_id, newer)
    db.session.expire_all()
    rows = db.session.scalars(select(ApplicationFile)).all()
    assert len(rows) == 1 and rows[0].size == len(newer)
    with app.app_context():
        assert not storage.exists("documents", former)
    page = f"/events/{draft.event_id}/cofunding"
    assert client.post_form(f"{page}/files/budget/remove", {}, token_from=page).status_code == 303
    assert db.session.scalar(select(ApplicationFile)) is None


def download(client, application_id: int):
    response = client.get(f"/aid/applications/{application_id}/files/budget")
    body = response.data
    response.close()
    return response, body


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_downloads_are_authorised_audited_and_attachments(app, client, db, login, draft,
                                                          organiser, committee, make_user):
    login(organiser)
    upload(client, draft.event_id, BUDGET)
    response, body = download(client, draft.id)
    assert response.status_code == 200 and body == BUDGET
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    client.post_form("/logout")
    assert download(client, draft.id)[0].status_code == 302  # a visitor: to log in
    others = [make_user("citoyen@example.org"),
              make_user("autre@example.org", roles=(Role.ORGANISER,)),
              make_user("admin@example.org", roles=(Role.ADMIN,))]
    for other in others:
        login(other)
        assert download(client, draft.id)[0].status_code == 403
        client.post_form("/logout")
    login(committee)
    assert download(client, draft.id)[0].status_code == 200
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "application.file.download").order_by(AuditEntry.id)).all()
    assert [e.actor_id for e in entries] == [organiser.id, committee.id]
    assert all(e.object_id == str(draft.id) and e.details["kind"] == "budget"
               for e in entries)
    assert client.get(f"/aid/applications/{draft.id}/files/statutes").status_code == 404


def test_the_jury_hook_lets_a_feature_add_its_readers(app, client, db, login, draft, organiser,
                                                      make_user):
    juror = make_user("jury@example.org")
    login(organiser)
    upload(client, draft.event_id, BUDGET)
    client.post_form("/logout")
    login(juror)
    assert download(client, draft.id)[0].status_code == 403
    # What a jury package does with its blueprint: documents.add_reader(bp, ...).
    app.extensions.setdefault(documents.READERS, []).append(
        lambda user, application: user.id == juror.id)
    assert download(client, draft.id)[0].status_code == 200


def test_the_sessions_jury_reads_the_documents_a_recused_member_excepted(
        client, db, login, draft, organiser, committee, jurors, make_user, cofunding_session,
        envelopes_2016):
    """The members of the jury of the application's session download its PDFs; a member
    who declared a conflict on it does not, nor does a juror of another session."""
    from inspir_events.aid.cofunding import services as cofunding_services
    from inspir_events.aid.cofunding import sessions
    from inspir_events.aid.jury import services as jury
    from inspir_events.recusal import services as recusal

    login(organiser)
    upload(client, draft.event_id, BUDGET)
    client.post_form("/logout")
    cofunding_services.submit(organiser, draft.event_id, application_input())
    session = cofunding_session()
    other = cofunding_session(title="Une autre séance")
    conflicted = make_user("jure.conflit@example.org")
    jury.name_member(committee, "cofunding_session", session.id, conflicted.id, "territory")
    sessions.add_application(committee, session.id, draft.id)
    recusal.declare_conflict(conflicted, "cofunding_application", draft.id,
                             "Je suis trésorier de l'association.")
    outsider = make_user("jure.ailleurs@example.org")
    jury.name_member(committee, "cofunding_session", other.id, outsider.id, "territory")
    for person, status in ((jurors[0], 200), (conflicted, 403), (outsider, 403)):
        login(person)
        assert download(client, draft.id)[0].status_code == status, person.email
        client.post_form("/logout")
