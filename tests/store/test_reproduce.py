"""« Je veux le reproduire »: one declaration per user and project, counted atomically,
the team notified in-app, the messages shown to the team only, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import User
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Stage
from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db as _db
from inspir_events.notifications.models import Notification
from inspir_events.store import services
from inspir_events.store.models import ReproductionRequest
from tests.conftest import run_together
from tests.pages import parse

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def declare(client, project_id, message="Nous voulons le tester dans le Nord."):
    url = f"/store/{project_id}"
    return client.post_form(f"{url}/reproduce", {"message": message}, token_from=url)


def count_of(db, project_id) -> int:
    db.session.rollback()  # see what the requests and threads committed
    return db.session.get(Project, project_id).reproductions_count


def test_a_visitor_is_sent_to_log_in(client, db, make_project):
    project = make_project()
    response = declare(client, project.id, "Bonjour")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = parse(client.get(f"/store/{project.id}").get_data(as_text=True))
    section = page.find("section", id="reproduce")
    assert section.find("form") is None
    assert section.find("a", href=f"/login?next=/store/{project.id}") is not None
    assert count_of(db, project.id) == 0


def test_a_first_declaration_counts_notifies_the_team_and_is_audited(
        app, client, db, login, make_project, team_member, reproducer, make_user, browser):
    colleague = make_user(display_name="Paul de l'équipe")
    project = make_project("Navette solidaire", members=[team_member, colleague])
    login(reproducer)
    response = declare(client, project.id, "  Nous voulons la lancer à Lille.  ")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/store/{project.id}#reproduce"
    assert count_of(db, project.id) == 1
    (row,) = db.session.scalars(select(ReproductionRequest)).all()
    assert (row.user_id, row.project_id, row.message) == (
        reproducer.id, project.id, "Nous voulons la lancer à Lille.")
    notes = db.session.scalars(select(Notification).where(
        Notification.kind == "project.reproduce")).all()
    assert sorted(n.user_id for n in notes) == sorted([team_member.id, colleague.id])
    assert notes[0].params == {"name": "Yann d'un autre territoire",
                               "project": "Navette solidaire"}
    assert notes[0].url == f"/store/{project.id}"
    (entry,) = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "project.reproduce")).all()
    assert entry.actor_id == reproducer.id and entry.object_id == str(project.id)
    # The count is public: on the page and on the card.
    visitor = parse(page_text(app, browser, None, f"/store/{project.id}"))
    assert visitor.find("dd", id="reproductions-count").text.startswith("1")
    card = parse(page_text(app, browser, None, "/store"))
    assert [dd.text for dd in card.find_all("dd", class_="store-count")] == ["1"]
    # The requester sees they already declared; the form is gone.
    mine = parse(client.get(f"/store/{project.id}").get_data(as_text=True))
    assert mine.find("section", id="reproduce").find("form") is None
    # The team reads the message; the requester and visitors do not see the list.
    team_page = parse(page_text(app, browser, team_member, f"/store/{project.id}"))
    messages = team_page.find("ul", class_="reproduce-messages")
    assert "Nous voulons la lancer à Lille." in messages.text
    assert "Nous voulons la lancer à Lille." not in mine.text
    assert "Nous voulons la lancer à Lille." not in visitor.text


def page_text(app, browser, user, url) -> str:
    """``url`` as a visitor (``user`` None) or as ``user`` in a browser of their own."""
    other = browser(user) if user is not None else app.test_client()
    return other.get(url).get_data(as_text=True)


def test_a_second_declaration_is_refused_clearly(client, db, login, make_project, reproducer):
    project = make_project()
    login(reproducer)
    assert declare(client, project.id).status_code == 302
    response = declare(client, project.id, "Encore moi.")
    assert response.status_code == 409
    page = parse(response.get_data(as_text=True))
    refusal = page.find("p", id="reproduce-refused")
    assert refusal is not None and refusal.text
    assert count_of(db, project.id) == 1
    assert db.session.scalar(select(func.count()).select_from(ReproductionRequest)) == 1


@pytest.mark.parametrize("message", ["", "   ", "x" * 501])
def test_the_message_is_required_and_short(client, db, login, make_project, reproducer, message):
    project = make_project()
    login(reproducer)
    response = declare(client, project.id, message)
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    textarea = page.find("textarea", id="message")
    assert textarea.get("aria-invalid") == "true"
    assert page.find("p", id="message-error") is not None
    assert textarea.text == message.strip() or len(message) > 500
    assert count_of(db, project.id) == 0


def test_only_store_projects_can_be_reproduced(client, db, login, make_project, reproducer):
    project = make_project(stage=Stage.EXPERIMENTATION)
    login(reproducer)
    assert declare(client, project.id).status_code == 404
    with pytest.raises(services.NotInStore):
        services.reproduce(reproducer, project.id, "Bonjour")
    assert count_of(db, project.id) == 0


@BACKENDS
def test_two_users_at_once_count_two(app, db, backend, make_project, make_user):
    project_id = make_project().id
    user_ids = [make_user().id, make_user().id]

    def job(index):
        services.reproduce(_db.session.get(User, user_ids[index]), project_id, "Chez nous aussi")

    errors, _elapsed = run_together(app, [job, job])
    assert errors == []
    assert count_of(db, project_id) == 2
    assert db.session.scalar(select(func.count()).select_from(ReproductionRequest)) == 2


@BACKENDS
def test_the_same_user_twice_at_once_counts_once(app, db, backend, make_project, make_user):
    project_id = make_project().id
    user_id = make_user().id
    refused = []

    def job(index):
        try:
            services.reproduce(_db.session.get(User, user_id), project_id, f"Message {index}")
        except services.AlreadyDeclared:
            refused.append(index)

    errors, _elapsed = run_together(app, [job, job])
    assert errors == [] and len(refused) == 1
    assert count_of(db, project_id) == 1
    assert db.session.scalar(select(func.count()).select_from(ReproductionRequest)) == 1
