"""Account deletion: content stays, anonymous; personal data, sessions and sockets go."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select

from inspir_events.accounts import privacy, services
from inspir_events.accounts.models import DeletedAccount, User, UserRole, UserSession, user_skill
from inspir_events.accounts.verification import send_confirmation
from inspir_events.aid.projects.models import ProjectMember
from inspir_events.audit.models import AuditEntry
from inspir_events.database import begin_write
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import RegistrationStatus
from inspir_events.mail import tasks
from inspir_events.mail.rules import MailStatus
from inspir_events.needs.models import Need, NeedSupport
from inspir_events.notifications.models import Notification
from inspir_events.teams.models import Team, TeamMember
from inspir_events.voting.models import Idea, Vote
from tests.conftest import PASSWORD, wait_until
from tests.mail.conftest import delivering  # noqa: F401  (fixture)

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def delete(client, password, confirm=True):
    data = {"current_password": password}
    if confirm:
        data["confirm"] = "y"
    return client.post_form("/account/delete", data, token_from="/account/delete")


def test_a_wrong_password_or_no_confirmation_deletes_nothing(client, db, make_user, login):
    user = make_user()
    login(user)
    wrong = delete(client, "not my password at all")
    assert wrong.status_code == 422
    assert 'id="current_password-error"' in wrong.get_data(as_text=True)
    unticked = delete(client, PASSWORD, confirm=False)
    assert unticked.status_code == 422
    assert 'id="confirm-error"' in unticked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == user.email
    assert count(db, DeletedAccount) == 0
    assert client.get("/profile").status_code == 200


@BOTH
def test_deleting_an_account_anonymises_the_whole_story(app, client, db, demo_users, login_demo,
                                                        socket_calls):
    uid = demo_users["dev"]
    other_browser = app.test_client()
    login_demo(uid)
    login_demo(uid, on=other_browser)
    user = db.session.get(User, uid)
    email = user.email
    needs = count(db, Need, Need.author_id == uid)
    ideas = count(db, Idea, Idea.author_id == uid)
    votes = count(db, Vote)
    supports = count(db, NeedSupport, NeedSupport.user_id == uid)
    full_event = db.session.scalar(select(Event).where(Event.capacity == 3))
    shared_team = db.session.scalar(select(Team).where(Team.member_count == 2,
                                                       Team.lead_id == uid))
    solo_team_ids = set(db.session.scalars(select(Team.id).where(Team.member_count == 1,
                                                                 Team.lead_id == uid)))
    assert needs and ideas and supports and shared_team and solo_team_ids

    response = delete(client, "inspir-demo-2016")
    assert response.status_code == 302
    db.session.expire_all()

    # The account is an empty shell; nobody can sign in with it.
    user = db.session.get(User, uid)
    assert user.is_deleted and user._display_name == ""  # shown translated (test_deleted_name)
    assert user.email.endswith("@deleted.invalid") and user.email != email
    assert (user.bio, user.department_code, user.locale) == ("", None, None)
    assert count(db, user_skill, user_skill.c.user_id == uid) == 0
    assert count(db, UserRole, UserRole.user_id == uid) == 0
    assert count(db, UserSession, UserSession.user_id == uid) == 0
    assert count(db, Notification, Notification.user_id == uid) == 0
    with app.app_context(), pytest.raises(services.InvalidCredentials):
        services.authenticate(email, "inspir-demo-2016")
    # Signed out here and in the other browser; sockets disconnected.
    assert client.get("/profile").status_code == 302
    assert other_browser.get("/profile").status_code == 302
    assert uid in socket_calls

    # Content stays, authored by nobody; votes stay counted anonymously; supports kept.
    assert count(db, Need, Need.author_id == uid) == 0
    assert count(db, Need, Need.author_id.is_(None)) == needs
    assert count(db, Idea, Idea.author_id.is_(None)) == ideas
    assert count(db, Vote) == votes and count(db, Vote, Vote.voter_id == uid) == 0
    assert count(db, NeedSupport, NeedSupport.user_id == uid) == supports
    assert count(db, ProjectMember, ProjectMember.user_id == uid) == 1  # lineage kept
    need = db.session.scalar(select(Need).where(Need.author_id.is_(None),
                                                Need.visibility == "public"))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "compte supprimé" in page

    # Teams: left, the count down, the lead handed over, a team left empty dissolved.
    assert count(db, TeamMember, TeamMember.user_id == uid) == 0
    db.session.refresh(shared_team)
    assert shared_team.member_count == 1 and shared_team.lead_id != uid
    assert shared_team.lead_id is not None
    assert count(db, Team, Team.id.in_(solo_team_ids)) == 0
    # Registrations cancelled; the waitlist of the full event moved up.
    assert count(db, Registration, Registration.user_id == uid,
                 Registration.status != RegistrationStatus.CANCELLED) == 0
    db.session.refresh(full_event)
    assert full_event.confirmed_count == 3
    assert count(db, Registration, Registration.event_id == full_event.id,
                 Registration.status == RegistrationStatus.WAITLISTED) == 0

    # The register (database and file) and the audit.
    entry = db.session.get(DeletedAccount, uid)
    assert entry.email_sha256 == hashlib.sha256(email.encode()).hexdigest()
    assert entry.reason == "self"
    lines = privacy.read_register_file()
    assert [line["user_id"] for line in lines] == [uid]
    assert json.dumps(lines[0])  # plain JSON
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.delete"))
    assert audit.actor_id == uid and audit.object_id == str(uid)
    assert email not in json.dumps(audit.details)


@BOTH
def test_a_solo_idea_and_need_show_the_deleted_account(client, db, make_user, login, make_need):
    author = make_user()
    need = make_need(author)
    login(author)
    assert delete(client, PASSWORD).status_code == 302
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "compte supprimé" in page
    assert author.display_name not in page


def test_a_deleted_accounts_waiting_messages_are_dropped(app, client, db, make_user, login,
                                                         delivering, mail_worker, outbox):  # noqa: F811
    user = make_user("nadia@example.org", verified=False)
    other = make_user("karim@example.org", verified=False)
    for person in (user, other):
        begin_write()
        send_confirmation(db.session.get(User, person.id))
        db.session.commit()
    login(user)
    assert delete(client, PASSWORD).status_code == 302
    assert [m.recipient for m in outbox()] == ["karim@example.org"]
    # the worker, started after the deletion, sends only the other person's message
    mail_worker(app)
    tasks.mail_queue(app).sweep()
    (received,) = delivering.wait_for(1)
    wait_until(lambda: outbox()[0].status == MailStatus.SENT, what="the other message")
    assert received["To"] == "karim@example.org"
    assert len(delivering.messages) == 1
    db.session.refresh(user)
    assert (user.email_verified_at, user.pending_email) == (None, None)
