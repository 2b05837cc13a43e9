"""Account fixtures: the demo story (``demo_users``), the register file, socket calls.

- The deletion register's file lives in the test's temporary folder (never in
  the project's ``instance/``).
- ``demo_users``: ``demo.seed()`` run on the test database (needs, events, a closed
  round, projects, grants): a dict from the demo login's local part ("citoyenne",
  "dev", ...) to the account's id.
- ``socket_calls``: the user ids whose sockets live voting was asked to disconnect.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events import demo
from inspir_events.accounts.models import User
from inspir_events.voting import realtime as voting_realtime
from tests.needs.conftest import make_need  # noqa: F401  (fixture, re-exported)


@pytest.fixture(autouse=True)
def _register_file(app, tmp_path):
    app.config["DELETION_REGISTER_PATH"] = str(tmp_path / "register" / "deletions.jsonl")


@pytest.fixture
def demo_users(db) -> dict[str, int]:
    assert demo.seed()
    return {u.email.split("@")[0]: u.id for u in db.session.scalars(select(User))}


@pytest.fixture
def login_demo(login, db):
    def do_login(user_id: int, on=None):
        return login(db.session.get(User, user_id), password=demo.DEMO_PASSWORD, on=on)
    return do_login


@pytest.fixture
def socket_calls(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(voting_realtime, "disconnect_user", calls.append)
    return calls
