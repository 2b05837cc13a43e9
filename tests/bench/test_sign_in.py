"""The benches' log-in (bench/needs_board.py ``sign_in``) leaves the cookie a browser has:
the pages measured are those a signed-in person sees after their first page."""

from __future__ import annotations

import shutil

from needs_board import request, sign_in

from inspir_events.accounts import services as account_services
from inspir_events.accounts.models import User
from inspir_events.app import create_app
from inspir_events.extensions import db as _db
from inspir_events.timeutil import utcnow
from tests import conftest
from tests.voting.test_live_server import Server

PASSWORD = "a long bench passphrase"  # noqa: S105 - test data
SIGNED_IN_MESSAGE = "Vous êtes connecté"


def test_the_bench_s_cookie_is_the_one_a_browser_keeps(sqlite_template, tmp_path):
    path = tmp_path / "bench.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    app = create_app(conftest.testing_config(url))
    with app.app_context():
        _db.session.add(User(email="bench@example.org", display_name="Bench",
                             password_hash=account_services.passwords().hash(PASSWORD),
                             email_verified_at=utcnow()))
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()
    server = Server(tmp_path, "bench-sign-in", DATABASE_URL=url, READ_LIMIT="")
    try:
        cookie = sign_in(server.port, "bench@example.org", PASSWORD)
        for page in ("/needs", "/needs", "/accessibilite"):
            status, headers, html = request(server.port, "GET", page, headers={"Cookie": cookie})
            assert status == 200
            assert 'action="/logout"' in html  # signed in
            assert SIGNED_IN_MESSAGE not in html  # the log-in's message was read once
            assert headers["set-cookie"] == []  # nothing more for the browser to keep
    finally:
        server.stop()
