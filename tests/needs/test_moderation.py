"""Reports and moderation: committee members and admins hide, restore, approve, dismiss."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import Role
from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db as _db
from inspir_events.needs import moderation, services
from inspir_events.needs.models import Need, NeedReport
from inspir_events.needs.rules import Visibility
from tests.pages import parse


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def report(client, need_id: int, reason: str):
    return client.post_form(f"/needs/{need_id}/report", {"reason": reason},
                            token_from=f"/needs/{need_id}")


def audit_entries(db, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def moderator(app, make_user, login):
    """A committee member signed in on a client of their own."""
    user = make_user(display_name="Membre du comité", roles=(Role.COMMITTEE,))
    moderator_client = app.test_client()
    login(user, on=moderator_client)
    moderator_client.user = user
    return moderator_client


def moderate(moderator_client, need_id: int, action: str, reason: str | None = None):
    data = {} if reason is None else {"reason": reason}
    return moderator_client.post_form(f"/moderation/needs/{need_id}/{action}", data,
                                      token_from="/moderation/needs")


# --- Reports ---

def test_a_signed_in_user_reports_a_need(client, db, citizen, make_need):
    need = make_need()
    page = parse(client.get(f"/needs/{need.id}").get_data(as_text=True))
    assert page.find("form", action=f"/needs/{need.id}/report") is not None
    response = report(client, need.id, "  Propos injurieux  ")
    assert response.status_code == 302
    entry = db.session.scalar(select(NeedReport))
    assert entry.need_id == need.id and entry.reporter_id == citizen.id
    assert entry.reason == "Propos injurieux" and entry.resolved_at is None
    assert "l’équipe de modération va examiner ce besoin" in text_of(
        client.get(response.headers["Location"]))


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_a_report_needs_a_reason(client, db, citizen, make_need, reason):
    need = make_need()
    response = report(client, need.id, reason)
    assert response.status_code == 302
    assert db.session.scalar(select(NeedReport)) is None
    page = text_of(client.get(f"/needs/{need.id}"))
    assert "Indiquez ce qui pose problème dans ce besoin" in page


def test_visitors_cannot_report(client, db, make_need):
    need = make_need()
    response = report(client, need.id, "Spam")
    assert response.headers["Location"].startswith("/login")
    assert db.session.scalar(select(NeedReport)) is None


def test_reporting_a_hidden_need_is_not_found(client, db, citizen, make_need):
    need = make_need(visibility=Visibility.HIDDEN)
    assert report(client, need.id, "Spam").status_code == 404
    assert db.session.scalar(select(NeedReport)) is None


# --- Who moderates ---

@pytest.mark.parametrize("roles", [(Role.COMMITTEE,), (Role.ADMIN,)])
def test_committee_and_admins_see_the_queue(app, login, make_user, make_need, roles):
    make_need(title="Besoin en attente", visibility=Visibility.PENDING)
    make_need(title="Besoin masqué", visibility=Visibility.HIDDEN, hidden_reason="Doublon")
    reported = make_need(title="Besoin signalé")
    services.report(make_user(), reported.id, "Publicité déguisée")
    make_need(title="Besoin tranquille")
    client = app.test_client()
    login(make_user(roles=roles), on=client)
    response = client.get("/moderation/needs")
    assert response.status_code == 200
    doc = parse(response.get_data(as_text=True))
    sections = {section.find("h2").get("id"): section.text for section in doc.find_all("section")}
    assert "Besoin en attente" in sections["pending-title"]
    assert "Besoin signalé" in sections["reported-title"]
    assert "Publicité déguisée" in sections["reported-title"]
    assert "Besoin masqué" in sections["hidden-title"] and "Doublon" in sections["hidden-title"]
    assert "Besoin tranquille" not in doc.text
    assert doc.find("a", href="/moderation/needs") is not None  # in the header


@pytest.mark.parametrize("roles", [(), (Role.ORGANISER,), (Role.SUPPORT_STRUCTURE,)])
def test_others_are_refused(app, db, login, make_user, make_need, roles):
    need = make_need()
    client = app.test_client()
    login(make_user(roles=roles), on=client)
    assert client.get("/moderation/needs").status_code == 403
    for action, data in (("hide", {"reason": "Non"}), ("restore", {}), ("dismiss", {})):
        response = client.post_form(f"/moderation/needs/{need.id}/{action}", data)
        assert response.status_code == 403, action
    assert db.session.get(Need, need.id).visibility == Visibility.PUBLIC
    assert db.session.scalars(select(AuditEntry)).first() is None
    assert client.get("/").get_data(as_text=True).count('href="/moderation/needs"') == 0


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/moderation/needs")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_services_refuse_non_moderators(db, make_user, make_need):
    need = make_need()
    with pytest.raises(services.NotAllowed):
        moderation.hide(make_user(roles=(Role.ORGANISER,)), need.id, "Non")
    db.session.rollback()
    with pytest.raises(services.NotAllowed):
        moderation.restore(make_user(), need.id)


# --- Decisions ---

def test_hiding_a_need_with_a_reason(app, client, db, moderator, make_user, login, make_need):
    author = make_user(display_name="Alex")
    need = make_need(author=author, title="Un besoin contesté")
    services.report(make_user(), need.id, "Hors sujet")
    response = moderate(moderator, need.id, "hide", "  Ce besoin ne concerne pas la région.  ")
    assert response.status_code == 302
    hidden = db.session.get(Need, need.id)
    assert hidden.visibility == Visibility.HIDDEN
    assert hidden.hidden_reason == "Ce besoin ne concerne pas la région."
    assert hidden.moderated_by_id == moderator.user.id
    assert db.session.scalar(select(NeedReport)).resolved_by_id == moderator.user.id
    # off the boards and the exports
    assert "Un besoin contesté" not in text_of(client.get("/needs"))
    assert "Un besoin contesté" not in text_of(client.get("/needs.csv"))
    assert client.get("/needs.json").get_json()["count"] == 0
    assert client.get(f"/needs/{need.id}").status_code == 404
    # the author sees the reason
    author_client = app.test_client()
    login(author, on=author_client)
    page = text_of(author_client.get(f"/needs/{need.id}"))
    assert "Ce besoin est masqué par la modération." in page
    assert "Ce besoin ne concerne pas la région." in page
    mine = text_of(author_client.get("/needs/mine"))
    assert "Masqué par la modération" in mine and "Ce besoin ne concerne pas la région." in mine
    # audited
    [entry] = audit_entries(db, "need.hide")
    assert entry.actor_id == moderator.user.id
    assert entry.object_type == "need" and entry.object_id == str(need.id)
    assert entry.details == {"reason": "Ce besoin ne concerne pas la région."}


def test_hiding_needs_a_reason(db, moderator, make_need):
    need = make_need()
    response = moderate(moderator, need.id, "hide", "")
    assert response.status_code == 302
    assert db.session.get(Need, need.id).visibility == Visibility.PUBLIC
    assert audit_entries(db, "need.hide") == []


def test_restoring_a_hidden_need(client, db, moderator, make_need):
    need = make_need(title="Un besoin rétabli", visibility=Visibility.HIDDEN)
    response = moderate(moderator, need.id, "restore")
    assert response.status_code == 302
    restored = db.session.get(Need, need.id)
    assert restored.visibility == Visibility.PUBLIC and restored.hidden_reason is None
    assert "Un besoin rétabli" in text_of(client.get("/needs"))
    assert client.get(f"/needs/{need.id}").status_code == 200
    [entry] = audit_entries(db, "need.restore")
    assert entry.details == {"previous": "hidden"}
    assert audit_entries(db, "need.approve") == []


def test_dismissing_the_reports_keeps_the_need_public(client, db, moderator, make_user,
                                                     make_need):
    need = make_need(title="Un besoin signalé à tort")
    services.report(make_user(), need.id, "Je ne suis pas d’accord")
    services.report(make_user(), need.id, "Moi non plus")
    assert "Un besoin signalé à tort" in text_of(moderator.get("/moderation/needs"))
    response = moderate(moderator, need.id, "dismiss")
    assert response.status_code == 302
    reports = list(db.session.scalars(select(NeedReport)))
    assert len(reports) == 2 and all(r.resolved_at is not None for r in reports)
    assert db.session.get(Need, need.id).visibility == Visibility.PUBLIC
    doc = parse(moderator.get("/moderation/needs").get_data(as_text=True))
    reported = doc.find("h2", id="reported-title").parent
    assert "Un besoin signalé à tort" not in reported.text
    assert "Un besoin signalé à tort" in text_of(client.get("/needs"))
    assert len(audit_entries(db, "need.reports_dismissed")) == 1


def test_moderating_a_missing_need_is_not_found(moderator):
    assert moderate(moderator, 4242, "hide", "Raison").status_code == 404
    assert moderate(moderator, 4242, "restore").status_code == 404
    assert moderate(moderator, 4242, "dismiss").status_code == 404


def test_approving_a_pending_need_under_premoderation(make_app, make_user, login):
    app = make_app(NEEDS_PREMODERATION=True)
    author, committee, visitor = app.test_client(), app.test_client(), app.test_client()
    with app.app_context():
        login(make_user(), on=author)
        committee_member = make_user(roles=(Role.COMMITTEE,))
        login(committee_member, on=committee)
        posted = author.post_form("/needs/new", {
            "title": "Une maison de santé à Péronne", "description": "Pas de médecin.",
            "department": "80", "theme": "sante", "tags": ""}, token_from="/needs/new")
        need_id = int(posted.headers["Location"].rsplit("/", 1)[1])
        assert "Une maison de santé à Péronne" not in text_of(visitor.get("/needs"))
        queue = parse(committee.get("/moderation/needs").get_data(as_text=True))
        pending = queue.find("h2", id="pending-title").parent
        assert "Une maison de santé à Péronne" in pending.text
        assert pending.find("form", action=f"/moderation/needs/{need_id}/restore") is not None
        assert moderate(committee, need_id, "restore").status_code == 302
        assert _db.session.get(Need, need_id).visibility == Visibility.PUBLIC
        assert "Une maison de santé à Péronne" in text_of(visitor.get("/needs"))
        [entry] = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "need.approve"))
        assert entry.actor_id == committee_member.id and entry.object_id == str(need_id)
        assert entry.details == {"previous": "pending"}
