"""The INS'pir label for support structures and projects: asked from their pages with
the charter form, decided by the committee in the existing queue, badge shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events.aid.projects.stages import Qualification, Stage
from inspir_events.audit.models import AuditEntry
from inspir_events.labels import services as labels
from inspir_events.labels.charter import LabelStatus, SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.notifications.models import Notification
from tests.pages import parse


def ask(client, url, answers):
    return client.post_form(url, answers, token_from=url)


def decide(committee_browser, request_id, decision="grant", reason="Conforme à la charte."):
    return committee_browser.post_form(f"/committee/labels/{request_id}/decide",
                                       {"decision": decision, "reason": reason},
                                       token_from="/committee/labels")


def only_request(db) -> LabelRequest:
    db.session.rollback()
    (request,) = db.session.scalars(select(LabelRequest)).all()
    return request


def test_the_structures_pages(client, db, structure, make_project, make_user):
    structure.bio = "Nous accompagnons les projets numériques de la Somme."
    db.session.commit()
    make_user(display_name="Simple citoyen")
    make_project("Navette accompagnée", structure=structure)
    make_project("Idée accompagnée", stage=Stage.PROJET, structure=structure)
    make_project("Proposition orientée", qualification=Qualification.ORIENTED_PROGRAMME,
                 structure=structure)
    listing = parse(client.get("/structures").get_data(as_text=True))
    names = [h.text for h in listing.find_all("h2", class_="store-card-title")]
    assert names == ["La Fabrique d'accompagnement"]  # support structures only
    page = parse(client.get(f"/structures/{structure.id}").get_data(as_text=True))
    assert "Nous accompagnons les projets numériques" in page.text
    assert "Somme" in page.text
    projects = page.find("ul", class_="structure-projects")
    assert "Navette accompagnée" in projects.text and "Idée accompagnée" in projects.text
    assert "Proposition orientée" not in page.text
    assert projects.find("a", href="/store/1") is not None  # in the store: its lineage
    assert page.find("span", class_="label-badge") is None
    citizen = db.session.scalar(select(type(structure)).where(
        type(structure).display_name == "Simple citoyen"))
    assert client.get(f"/structures/{citizen.id}").status_code == 404
    assert client.get("/structures/999999").status_code == 404


def test_a_structure_asks_and_the_committee_grants_its_label(
        client, db, login, structure, committee, answers, browser):
    login(structure)
    page = parse(client.get(f"/structures/{structure.id}").get_data(as_text=True))
    url = f"/structures/{structure.id}/label"
    assert page.find("a", href=url) is not None
    form_page = parse(client.get(url).get_data(as_text=True))
    assert len(form_page.find_all("textarea")) == len(answers)
    response = ask(client, url, answers)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/structures/{structure.id}"
    request = only_request(db)
    assert (request.subject_type, request.subject_id) == (SubjectType.SUPPORT_STRUCTURE,
                                                          structure.id)
    assert request.subject_title == "La Fabrique d'accompagnement"
    # Asking again while a request awaits is refused on the form (a conflict).
    assert ask(client, url, answers).status_code == 409
    # The committee decides it in the existing queue.
    member = browser(committee)
    queue = member.get("/committee/labels").get_data(as_text=True)
    assert "La Fabrique d&#39;accompagnement" in queue or "La Fabrique d'accompagnement" in queue
    assert decide(member, request.id).status_code == 302
    db.session.rollback()
    assert labels.is_labelled(SubjectType.SUPPORT_STRUCTURE, structure.id)
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "label.grant", AuditEntry.object_type == "support_structure"))
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == structure.id, Notification.kind == "label.granted"))
    visitor = parse(browser(committee).get(f"/structures/{structure.id}").get_data(as_text=True))
    assert visitor.find("span", class_="label-badge") is not None
    listing = parse(client.get("/structures").get_data(as_text=True))
    assert listing.find("span", class_="label-badge") is not None


def test_only_the_structure_itself_asks_for_its_label(client, db, login, structure, make_user,
                                                      answers):
    other = make_user(display_name="Autre structure", roles=("support_structure",))
    login(other)
    url = f"/structures/{structure.id}/label"
    assert client.get(url).status_code == 403
    assert ask(client, url, answers).status_code == 403
    page = parse(client.get(f"/structures/{structure.id}").get_data(as_text=True))
    assert page.find("a", href=url) is None
    with pytest.raises(labels.LabelNotAllowed):
        labels.request_for(other, SubjectType.SUPPORT_STRUCTURE, structure.id, answers)
    db.session.rollback()
    assert db.session.scalars(select(LabelRequest)).all() == []


def test_a_member_asks_for_the_project_label_and_the_store_shows_the_badge(
        client, db, login, make_project, team_member, committee, answers, browser):
    project = make_project("Carnet des aidants", members=[team_member])
    login(team_member)
    detail = parse(client.get(f"/projects/{project.id}").get_data(as_text=True))
    url = f"/projects/{project.id}/label"
    assert detail.find("a", href=url) is not None
    assert detail.find("a", href=f"/store/{project.id}") is not None
    response = ask(client, url, answers)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{project.id}"
    request = only_request(db)
    assert (request.subject_type, request.subject_id) == (SubjectType.PROJECT, project.id)
    assert request.requested_by_id == team_member.id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "label.request",
                                                      AuditEntry.object_type == "project"))
    store_card = parse(client.get("/store").get_data(as_text=True))
    assert store_card.find("span", class_="label-badge") is None  # not before the decision
    assert decide(browser(committee), request.id).status_code == 302
    db.session.rollback()
    assert db.session.get(LabelRequest, request.id).status == LabelStatus.GRANTED
    for url_ in ("/store", f"/store/{project.id}", f"/projects/{project.id}"):
        page = parse(client.get(url_).get_data(as_text=True))
        assert page.find("span", class_="label-badge") is not None, url_


def test_the_support_structure_may_ask_for_its_project(client, db, login, make_project,
                                                       structure, answers):
    project = make_project(structure=structure)
    login(structure)
    assert ask(client, f"/projects/{project.id}/label", answers).status_code == 302
    assert only_request(db).requested_by_id == structure.id


def test_non_members_cannot_ask_for_a_project_label(client, db, login, make_project,
                                                    team_member, reproducer, answers):
    project = make_project(members=[team_member])
    url = f"/projects/{project.id}/label"
    assert client.get(url).status_code == 302  # a visitor: log in first
    login(reproducer)
    detail = parse(client.get(f"/projects/{project.id}").get_data(as_text=True))
    assert detail.find("a", href=url) is None
    assert client.get(url).status_code == 403
    assert ask(client, url, answers).status_code == 403
    with pytest.raises(labels.LabelNotAllowed):
        labels.request_for(reproducer, SubjectType.PROJECT, project.id, answers)
    db.session.rollback()
    assert db.session.scalars(select(LabelRequest)).all() == []


def test_a_stopped_or_unqualified_project_cannot_ask(client, db, login, make_project,
                                                     team_member, answers):
    stopped = make_project(stage=Stage.ABANDONNE, members=[team_member])
    login(team_member)
    response = ask(client, f"/projects/{stopped.id}/label", answers)
    assert response.status_code == 409
    assert parse(response.get_data(as_text=True)).find("div", class_="error-summary")
    db.session.rollback()
    assert db.session.scalars(select(LabelRequest)).all() == []
