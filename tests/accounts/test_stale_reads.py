"""Account writes that follow a page's reads start a write transaction of their own.

On SQLite (WAL), a transaction that read before another connection committed (the mail
worker, a second server process) can no longer write: SQLite answers "database is
locked" at once, whatever the busy timeout. The log-in, the session's touch and end,
the profile, the language, the roles and "mark all read" therefore begin their write
with ``database.begin_write`` (BEGIN IMMEDIATE), after the reads they follow.
"""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text

from inspir_events.accounts import services
from inspir_events.accounts.models import Role, User
from inspir_events.extensions import db as _db
from inspir_events.notifications import services as notifications
from inspir_events.notifications.models import Notification


@pytest.fixture
def stale_read(db):
    """``stale_read()``: read in this session, then let another connection commit a write;
    the session's read transaction now holds an old snapshot."""

    def make_it_stale():
        db.session.scalar(select(User.id).limit(1))  # the page's read: a read transaction
        with _db.engine.connect() as other:  # another process writes meanwhile
            other.execute(text("UPDATE user_account SET bio = bio || '.'"))
            other.commit()

    return make_it_stale


def test_opening_a_session_after_a_stale_read(db, make_user, stale_read):
    user = make_user()
    stale_read()
    assert services.open_session(user)


def test_the_profile_the_language_and_the_roles_after_a_stale_read(db, make_user,
                                                                   stale_read):
    admin, user = make_user(roles=(Role.ADMIN,)), make_user()
    stale_read()
    services.update_profile(user, display_name="Nouvel affichage", department_code="80",
                            skill_codes=[], bio="")
    stale_read()
    services.set_locale(user, "en")
    stale_read()
    services.set_roles(admin, user, [Role.ORGANISER])
    assert db.session.get(User, user.id).display_name == "Nouvel affichage"


def test_marking_notifications_read_after_a_stale_read(db, make_user, stale_read):
    user = make_user()
    db.session.execute(insert(Notification).values(user_id=user.id, kind="team.lead",
                                                   params={"team": "Équipe"}))
    db.session.commit()
    stale_read()
    assert notifications.mark_all_read(user.id) == 1
