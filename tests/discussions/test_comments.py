"""Comments on needs, ideas and projects (issue 20 §1): posting (Markdown sanitised),
replies one level deep, the 15-minute edit window, deleting, the verified-only and rate
limits, the followers told."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inspir_events.discussions import services
from inspir_events.discussions.models import Comment
from inspir_events.discussions.rules import CommentState
from inspir_events.events.rules import EventStatus
from inspir_events.follows import services as follows
from inspir_events.notifications.models import Notification

EN = {"Accept-Language": "en"}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, page: str, subject_type: str, subject_id: int, body: str, parent=None,
         **kwargs):
    data = {"body": body}
    if parent is not None:
        data["parent"] = str(parent)
    return client.post_form(f"/comments/{subject_type}/{subject_id}", data, token_from=page,
                            **kwargs)


def count(db) -> int:
    total = db.session.scalar(select(func.count()).select_from(Comment))
    db.session.rollback()
    return total


def test_a_verified_citizen_comments_on_a_need_and_the_page_shows_it_sanitised(
        client, db, make_need, speaker):
    need = make_need(title="Un bus le dimanche")
    page = f"/needs/{need.id}"
    response = post(client, page, "need", need.id,
                    "Même chose à **Friville** <script>alert(1)</script>")
    assert response.status_code == 303
    stored = db.session.scalar(select(Comment))
    assert response.headers["Location"].endswith(f"/needs/{need.id}#comment-{stored.id}")
    body = client.get(page).get_data(as_text=True)
    assert f'id="comment-{stored.id}"' in body
    assert "<strong>Friville</strong>" in body and "<script>alert" not in body
    assert "Karim Parleur" in body
    assert "(1 commentaire)" in text_of(client.get(page))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_a_reply_to_a_reply_joins_the_thread_of_the_top_comment(client, db, backend,
                                                                 make_need, speaker, comment):
    need = make_need()
    top = comment("need", need.id, "Première remarque")
    first_reply = comment("need", need.id, "Une réponse", parent=top)
    assert first_reply.parent_id == top.id
    response = post(client, f"/needs/{need.id}", "need", need.id, "Je réponds à la réponse",
                    parent=first_reply.id)
    assert response.status_code == 303
    latest = db.session.scalar(select(Comment).order_by(Comment.id.desc()).limit(1))
    assert latest.parent_id == top.id  # one level deep: under the top comment
    thread = services.thread("need", need.id)
    assert [e.comment.id for e in thread.entries] == [top.id]
    assert [r.comment.id for r in thread.entries[0].replies] == [first_reply.id, latest.id]


def test_a_reply_to_a_comment_of_another_page_is_refused(client, db, make_need, speaker,
                                                         comment):
    one, other = make_need(), make_need()
    elsewhere = comment("need", other.id)
    response = post(client, f"/needs/{one.id}", "need", one.id, "Hop", parent=elsewhere.id)
    assert response.status_code == 404
    assert count(db) == 1


def test_an_empty_comment_comes_back_with_the_message_under_the_field(client, db, make_need,
                                                                      speaker):
    need = make_need()
    response = post(client, f"/needs/{need.id}", "need", need.id, "   ", headers=EN)
    assert response.status_code == 422
    assert "Write your comment." in text_of(response)
    assert 'id="body-error"' in response.get_data(as_text=True)
    assert count(db) == 0


def test_no_comment_on_a_hidden_need_nor_an_unknown_kind(client, db, make_need, speaker):
    hidden = make_need(visibility="hidden")
    assert post(client, "/", "need", hidden.id, "Bonjour").status_code == 404
    assert post(client, "/", "sandwich", 1, "Bonjour").status_code == 404
    assert count(db) == 0


def test_an_unverified_account_is_refused_with_a_clear_message(client, db, make_need,
                                                               make_user, login):
    need = make_need()
    login(make_user(verified=False))
    response = post(client, f"/needs/{need.id}", "need", need.id, "Bonjour", headers=EN)
    assert response.status_code == 403
    assert "confirm" in text_of(response).lower()
    assert count(db) == 0
    # The use case refuses too, whatever the door.
    with pytest.raises(services.Unverified):
        services.post(make_user(verified=False), "need", need.id, "Bonjour")
    # The page tells why there is no form.
    assert "Confirm your e-mail address to take part in the conversation." in text_of(
        client.get(f"/needs/{need.id}", headers=EN))


def test_a_visitor_is_sent_to_log_in(client, db, make_need):
    need = make_need()
    response = post(client, f"/needs/{need.id}", "need", need.id, "Bonjour")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(db) == 0


def test_posting_is_rate_limited_per_account_keeping_what_was_typed(app, client, db,
                                                                    make_need, speaker):
    app.config["COMMENT_POSTS_LIMIT"] = "2 per minute"
    need = make_need()
    codes = [post(client, f"/needs/{need.id}", "need", need.id, f"Remarque {n}").status_code
             for n in (1, 2)]
    assert codes == [303, 303]
    refused = post(client, f"/needs/{need.id}", "need", need.id, "Remarque 3", headers=EN)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    body = text_of(refused)
    assert "You have posted or edited many comments in a short time." in body
    assert "Remarque 3" in body  # the form again, as typed
    assert count(db) == 2


# ---- editing within 15 minutes -------------------------------------------------------

def test_the_author_edits_until_the_fifteenth_minute_and_not_after(client, db, make_need,
                                                                   speaker, monkeypatch):
    need = make_need()
    posted = services.post(speaker, "need", need.id, "Premier jet")
    created = posted.created_at
    edit_url = f"/comments/{posted.id}/edit"

    monkeypatch.setattr(services, "utcnow", lambda: created + timedelta(minutes=15))
    response = client.post_form(edit_url, {"body": "Corrigé *à temps*"}, token_from=edit_url)
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(Comment, posted.id)
    assert saved.body == "Corrigé *à temps*" and "<em>à temps</em>" in saved.content_html
    assert saved.edited_at == created + timedelta(minutes=15)

    monkeypatch.setattr(services, "utcnow",
                        lambda: created + timedelta(minutes=15, seconds=1))
    token = client.csrf_token(f"/needs/{need.id}")
    late = client.post(edit_url, data={"csrf_token": token, "body": "Trop tard"}, headers=EN)
    assert late.status_code == 303  # back to the conversation, with why
    assert "can be edited for 15 minutes" in text_of(client.get(f"/needs/{need.id}",
                                                                headers=EN))
    db.session.expire_all()
    assert db.session.get(Comment, posted.id).body == "Corrigé *à temps*"
    # The page no longer offers to edit it.
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert edit_url not in page


def test_only_the_author_edits_or_deletes(client, db, make_need, speaker, comment):
    need = make_need()
    theirs = comment("need", need.id, "Le mien")
    edit_url = f"/comments/{theirs.id}/edit"
    assert client.get(edit_url).status_code == 403
    assert client.post_form(f"/comments/{theirs.id}/delete", {},
                            token_from=f"/needs/{need.id}").status_code == 403
    assert count(db) == 1


# ---- deleting ------------------------------------------------------------------------

def test_a_comment_without_replies_is_removed(client, db, make_need, speaker):
    need = make_need()
    mine = services.post(speaker, "need", need.id, "À retirer")
    response = client.post_form(f"/comments/{mine.id}/delete", {},
                                token_from=f"/needs/{need.id}")
    assert response.status_code == 303
    assert count(db) == 0
    assert "À retirer" not in text_of(client.get(f"/needs/{need.id}"))


def test_a_comment_with_replies_leaves_comment_supprime_and_its_replies(client, db, make_need,
                                                                       speaker, comment):
    need = make_need()
    mine = services.post(speaker, "need", need.id, "Texte d'origine")
    reply = comment("need", need.id, "Je te réponds", parent=mine)
    client.post_form(f"/comments/{mine.id}/delete", {}, token_from=f"/needs/{need.id}")
    db.session.expire_all()
    kept = db.session.get(Comment, mine.id)
    assert kept.state == CommentState.DELETED and kept.body == "" and kept.content_html == ""
    page = text_of(client.get(f"/needs/{need.id}"))
    assert "Commentaire supprimé" in page and "Texte d'origine" not in page
    assert "Je te réponds" in page
    # Its last reply deleted, nothing is left of the thread.
    services.remove(reply.author, reply.id)
    assert count(db) == 0


# ---- who is told ---------------------------------------------------------------------

def test_the_followers_are_told_in_the_app_and_by_mail_but_not_the_author(
        client, db, make_need, make_user, speaker, outbox):
    need = make_need(title="Un bus le dimanche")
    follower = make_user(display_name="Lina Abonnée", email="lina@example.org")
    quiet = make_user(email="quiet@example.org")
    follows.set_following(follower, "need", need.id, True)
    follows.set_following(speaker, "need", need.id, True)
    post(client, f"/needs/{need.id}", "need", need.id, "Du nouveau ?")
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "comment.posted")).all()
    assert [n.user_id for n in told] == [follower.id]
    assert told[0].params == {"name": "Karim Parleur", "subject": "Un bus le dimanche"}
    assert told[0].url.startswith(f"/needs/{need.id}#comment-")
    mails = outbox(kind="comment.posted")
    assert [m.recipient for m in mails] == ["lina@example.org"]
    assert "Un bus le dimanche" in mails[0].subject
    assert not outbox(to=quiet.email)
    # Commenting follows the need: the speaker hears of the next comments.
    assert follows.is_following(speaker, "need", need.id)


def test_a_reply_tells_the_author_of_the_comment_answered(client, db, make_need, make_user,
                                                          speaker, comment):
    need = make_need()
    asker = make_user(display_name="Inès Question")
    question = services.post(asker, "need", need.id, "Quelqu'un a testé ?")
    follows.set_following(asker, "need", need.id, False)  # she stopped following
    post(client, f"/needs/{need.id}", "need", need.id, "Oui, à Abbeville", parent=question.id)
    told = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "comment.posted")).all()
    assert told == [asker.id]


# ---- ideas and projects --------------------------------------------------------------

def test_an_idea_is_commented_where_its_event_shows_it_and_its_team_is_told(
        client, db, voting_setup, speaker):
    setup = voting_setup()
    idea = setup.ideas[0]
    page = f"/ideas/{idea.id}"
    assert post(client, page, "idea", idea.id, "Et pour les villages ?").status_code == 303
    assert "Et pour les villages ?" in text_of(client.get(page))
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "comment.posted")))
    assert told == {m.id for m in setup.members[0]}
    # A draft event's ideas are not found, nor their conversation.
    setup.event.status = EventStatus.DRAFT
    db.session.commit()
    assert post(client, "/", "idea", idea.id, "Encore ?").status_code == 404
    assert services.public_comments_statement is not None
    assert count(db) == 1


def test_a_project_has_one_conversation_in_the_pipeline_and_in_the_store(
        client, db, make_project, speaker):
    project = make_project("diffusion")
    assert post(client, f"/store/{project.id}", "project", project.id,
                "Testé à Roubaix avec six aidants").status_code == 303
    for page in (f"/store/{project.id}", f"/projects/{project.id}"):
        assert "Testé à Roubaix avec six aidants" in text_of(client.get(page))
    awaiting = make_project(None)  # a proposal the committee has not answered: not public
    assert post(client, "/", "project", awaiting.id, "Bonjour").status_code == 404


def test_the_followers_choices_hold_never_and_the_daily_digest(client, db, make_need,
                                                               make_user, speaker, outbox):
    from inspir_events.mail import services as mail

    need = make_need()
    never, daily = make_user(email="never@example.org"), make_user(email="daily@example.org")
    for person in (never, daily):
        follows.set_following(person, "need", need.id, True)
    mail.set_modes(never.id, {"comment.posted": "never"})
    mail.set_modes(daily.id, {"comment.posted": "daily"})
    post(client, f"/needs/{need.id}", "need", need.id, "Du nouveau ?")
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "comment.posted")))
    assert told == {never.id, daily.id}  # in the app always
    assert not outbox(to="never@example.org")
    [held] = outbox(to="daily@example.org")
    assert held.status == "held"  # for the daily digest
    # « Mes notifications » lists the kind under its group.
    page = text_of(client.get("/profile/notifications"))
    assert "Nouveaux commentaires sur ce que je suis" in page and "Discussions" in page
