"""A need's supporters and followers are told what becomes of it (issue 17 §3): when an
event addresses it (published with it, or a published event changed to name it), when it
becomes a project (a round's winner answering it is promoted), and when that project
reaches the store (it moves to diffusion). In the app (notification rows), with the link
of the page; the person whose action it is, and those who stopped following, hear
nothing. A project's followers hear of its moves."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.aid.projects import services as pipeline
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Stage
from inspir_events.events import services as events
from inspir_events.follows import services as follows
from inspir_events.mail.services import enqueue
from inspir_events.needs import services as needs
from inspir_events.notifications.models import Notification
from inspir_events.notifications.services import text


def told(db, kind: str) -> dict[int, Notification]:
    """The notifications of ``kind``, by recipient (one each)."""
    rows = list(db.session.scalars(select(Notification).where(Notification.kind == kind)
                                   .order_by(Notification.id)))
    by_person = {row.user_id: row for row in rows}
    assert len(by_person) == len(rows), "someone was told twice"
    return by_person


def edit(organiser, event, **changes):
    values = {
        "title": event.title, "kind": event.kind, "description": event.description,
        "starts_at": event.starts_at, "ends_at": event.ends_at, "venue_name": event.venue_name,
        "venue_address": event.venue_address, "venue_commune": event.venue_commune,
        "department_code": event.department_code, "run_by": event.run_by,
        "capacity": event.capacity, "need_ids": [n.id for n in event.needs],
    }
    values.update(changes)
    return events.update(organiser, event.id, events.EventInput(**values))


def test_an_event_published_with_a_need_tells_its_supporters_and_followers(
        client, db, make_need, make_event, make_user, organiser, login, outbox):
    need = make_need(title="Un bus le dimanche")
    supporter, follower, quitter = (make_user(display_name=n) for n in ("Sou", "Fol", "Qui"))
    needs.set_support(supporter, need.id, True)
    follows.set_following(follower, "need", need.id, True)
    needs.set_support(quitter, need.id, True)
    follows.set_following(quitter, "need", need.id, False)
    follows.set_following(organiser, "need", need.id, True)  # who publishes hears nothing
    event = make_event(published=False, title="Hackathon des mobilités", need_ids=[need.id])
    assert told(db, "need.addressed") == {}  # a draft is not news

    login(organiser)
    response = client.post_form(f"/events/{event.id}/publish", {},
                                token_from=f"/events/{event.id}")
    assert response.status_code in (302, 303)
    notices = told(db, "need.addressed")
    assert set(notices) == {supporter.id, follower.id}
    notice = notices[supporter.id]
    assert notice.url == f"/events/{event.id}"
    assert notice.params == {"need": "Un bus le dimanche", "event": "Hackathon des mobilités"}
    assert "Un bus le dimanche" in text(notice) and "Hackathon des mobilités" in text(notice)
    # The same news by e-mail, written with the notification (issue 17 §3).
    mails = outbox(kind="need.addressed")
    assert sorted(m.recipient for m in mails) == sorted([supporter.email, follower.email])
    assert all("Un bus le dimanche" in m.subject for m in mails)
    assert f"/events/{event.id}" in mails[0].body_text


def test_a_published_event_changed_to_name_a_need_tells_only_that_need(db, make_need,
                                                                      make_event, make_user,
                                                                      organiser):
    first, second = make_need(title="Besoin premier"), make_need(title="Besoin second")
    of_first, of_second = make_user(), make_user()
    follows.set_following(of_first, "need", first.id, True)
    follows.set_following(of_second, "need", second.id, True)
    event = make_event(need_ids=[first.id])
    assert set(told(db, "need.addressed")) == {of_first.id}

    edit(organiser, event, title="Hackathon renommé")  # the same need: no news again
    assert set(told(db, "need.addressed")) == {of_first.id}
    edit(organiser, db.session.get(type(event), event.id), need_ids=[first.id, second.id])
    notices = told(db, "need.addressed")
    assert set(notices) == {of_first.id, of_second.id}
    assert notices[of_second.id].params["need"] == "Besoin second"


def test_a_draft_changed_to_name_a_need_tells_nobody_until_it_is_published(
        db, make_need, make_event, make_user, organiser):
    need = make_need()
    follower = make_user()
    follows.set_following(follower, "need", need.id, True)
    event = make_event(published=False)
    edit(organiser, event, need_ids=[need.id])
    assert told(db, "need.addressed") == {}
    events.publish(organiser, event.id)
    assert set(told(db, "need.addressed")) == {follower.id}


def test_a_need_becoming_a_project_then_reaching_the_store_tells_its_followers(
        db, confirmed_round, make_user, organiser, committee, support_structure):
    setup = confirmed_round()
    follower, fan = make_user(display_name="Fol"), make_user(display_name="Fan")
    needs.set_support(follower, setup.need.id, True)
    promoted = pipeline.promote_winner(organiser, setup.round.id)
    answering = next(p for p in promoted if p.need_id == setup.need.id)
    notices = told(db, "need.project")
    assert set(notices) == {follower.id}  # the other winner answers no need
    assert notices[follower.id].url == f"/projects/{answering.id}"
    assert notices[follower.id].params == {"need": setup.need.title,
                                           "project": answering.title}
    # Promoting again (idempotent) tells nobody again.
    pipeline.promote_winner(organiser, setup.round.id)
    assert set(told(db, "need.project")) == {follower.id}

    # A follower of the project hears of its moves, as its team does.
    follows.set_following(fan, "project", answering.id, True)
    pipeline.update_project_details(committee, answering.id, pipeline.DetailsInput(
        support_structure_id=support_structure.id, licence="MIT",
        repository_url="https://git.example.org/navette", results="Testé avec 40 usagers."))
    pipeline.move_project(committee, answering.id, Stage.PROJET, "Vers projet")
    pipeline.move_project(committee, answering.id, Stage.EXPERIMENTATION, "On teste")
    assert told(db, "need.in_store") == {}  # experimenting is not the store yet
    pipeline.move_project(committee, answering.id, Stage.DIFFUSION, "Diffusé")
    notices = told(db, "need.in_store")
    assert set(notices) == {follower.id}
    assert notices[follower.id].url == f"/store/{answering.id}"
    moved = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "project.moved", Notification.user_id == fan.id)).all()
    assert len(moved) == 3
    assert db.session.get(Project, answering.id).stage == Stage.DIFFUSION


def test_the_need_messages_read_as_e_mails(db, make_user):
    """The e-mail of each kind (sent once notifications reach people by e-mail)."""
    person = make_user(display_name="Karim", locale="en")
    context = {"need": "Un bus le dimanche", "event": "Hackathon", "project": "Navette",
               "link": "http://localhost/projects/7"}
    for kind, words in (("need.addressed", "An event addresses the need"),
                        ("need.project", "becomes a project"),
                        ("need.in_store", "reaches the innovation store")):
        message = enqueue(person, kind, **context)
        assert words in message.body_text and "http://localhost/projects/7" in message.body_text
        assert 'href="http://localhost/projects/7"' in message.body_html
        assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    db.session.rollback()
