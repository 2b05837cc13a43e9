"""Reports and moderation of comments (issue 20 §1): anyone signed in reports a comment;
the report joins the moderators' queue the needs use (/moderation/needs); a committee
member or an admin hides it (gone from its page, the API and the open data), shows it
again or closes its reports; every decision is audited."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import Role
from inspir_events.audit.models import AuditEntry
from inspir_events.discussions import services
from inspir_events.discussions.models import Comment, CommentReport
from inspir_events.discussions.rules import CommentState


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def moderator(app, make_user, login):
    """A committee member signed in on a client of their own."""
    user = make_user(display_name="Membre du comité", roles=(Role.COMMITTEE,))
    moderator_client = app.test_client()
    login(user, on=moderator_client)
    moderator_client.user = user
    return moderator_client


def report(client, comment: Comment, page: str, reason: str):
    return client.post_form(f"/comments/{comment.id}/report", {"reason": reason},
                            token_from=page)


def audit(db, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_a_report_reaches_the_queue_and_the_moderator_hides_the_comment(
        client, db, backend, make_need, speaker, comment, moderator):
    need = make_need(title="Un bus le dimanche")
    page = f"/needs/{need.id}"
    spam = comment("need", need.id, "Vends vélo électrique, 300 €")
    assert report(client, spam, page, "Petite annonce").status_code == 303
    again = report(client, spam, page, "Encore")
    assert again.status_code == 303  # flashed: already reported, nothing added
    assert len(db.session.scalars(select(CommentReport)).all()) == 1

    queue = text_of(moderator.get("/moderation/needs"))
    assert "Commentaires signalés (1)" in queue
    assert "Vends vélo électrique" in queue and "Petite annonce" in queue
    assert "Commentaire sur « Un bus le dimanche »" in queue

    hidden = moderator.post_form(f"/moderation/comments/{spam.id}/hide",
                                 {"reason": "Hors sujet"}, token_from="/moderation/needs")
    assert hidden.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Comment, spam.id)
    assert stored.state == CommentState.HIDDEN and stored.hidden_reason == "Hors sujet"
    assert stored.moderated_by_id == moderator.user.id
    assert db.session.scalar(select(CommentReport.resolved_at)) is not None
    [entry] = audit(db, "comment.hide")
    assert entry.actor_id == moderator.user.id and entry.object_id == str(spam.id)
    assert entry.details == {"reason": "Hors sujet"}
    # Gone from the page for everyone but the moderators, and from the queue's reports.
    assert "Vends vélo" not in text_of(client.get(page))
    assert "Vends vélo" in text_of(moderator.get(page))
    after = text_of(moderator.get("/moderation/needs"))
    assert "Commentaires signalés (0)" in after and "Commentaires masqués (1)" in after
    # Nobody answers a hidden comment.
    with pytest.raises(services.Conflict):
        services.post(speaker, "need", need.id, "Réponse", spam.id)

    shown = moderator.post_form(f"/moderation/comments/{spam.id}/restore", {},
                                token_from="/moderation/needs")
    assert shown.status_code == 302
    assert "Vends vélo" in text_of(client.get(page))
    assert len(audit(db, "comment.restore")) == 1


def test_the_moderator_closes_the_reports_and_the_comment_stays(client, db, make_need,
                                                               speaker, comment, moderator):
    need = make_need()
    fine = comment("need", need.id, "Un avis tranché mais correct")
    report(client, fine, f"/needs/{need.id}", "Je ne suis pas d'accord")
    response = moderator.post_form(f"/moderation/comments/{fine.id}/dismiss", {},
                                   token_from="/moderation/needs")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, fine.id).state == CommentState.PUBLIC
    assert db.session.scalar(select(CommentReport.resolved_by_id)) == moderator.user.id
    assert len(audit(db, "comment.reports_dismissed")) == 1
    assert "Commentaires signalés (0)" in text_of(moderator.get("/moderation/needs"))


def test_only_moderators_hide(client, db, make_need, speaker, comment):
    need = make_need()
    target = comment("need", need.id)
    response = client.post_form(f"/moderation/comments/{target.id}/hide", {"reason": "Non"},
                                token_from=f"/needs/{need.id}")
    assert response.status_code == 403
    assert client.get("/moderation/needs").status_code == 403
    db.session.expire_all()
    assert db.session.get(Comment, target.id).state == CommentState.PUBLIC
    assert not audit(db, "comment.hide")


def test_reports_are_rate_limited(app, client, db, make_need, speaker, comment):
    app.config["COMMENT_REPORTS_LIMIT"] = "2 per minute"
    need = make_need()
    targets = [comment("need", need.id, f"Avis {n}") for n in range(3)]
    codes = [report(client, c, f"/needs/{need.id}", "Bof").status_code for c in targets]
    assert codes == [303, 303, 429]
    assert len(db.session.scalars(select(CommentReport)).all()) == 2
