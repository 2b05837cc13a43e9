"""The authorization matrix: every route of ``app.url_map`` and every Socket.IO event,
for every role, on someone else's object, against the answer each cell must give.

Roles (columns, in this order): visitor, citizen (signed up, at no event), participant
(confirmed at the hackathon), organiser of THIS event (the hackathon's), organiser of
ANOTHER event, committee, admin, support structure, decider of a delegated envelope.
The objects belong to someone else: Camille's need, team and idea, the hackathon (its
organiser excepted), Odile's label request, the hackathon's co-funding application.

An expectation is a string of nine answers in that column order; ``DEFAULTS`` gives a
route group's usual answers and ``ROUTES`` names each route's URL arguments, the form it
posts and its exceptions. A route missing from ``ROUTES`` fails the test: a new route
must say who may use it. Requests carry a valid CSRF token (a 400 never hides an
authorization answer), and the world is restored after each POST so each cell sees
the same database. ``pytest -s`` prints the matrix's size.

What must hold (issue 10): no organiser edits another's event; only the committee
decides labels and money (a delegated decider only within their envelope); a
participant cannot act in an event they are not confirmed at; admin pages admin-only.
"""

from __future__ import annotations

import contextvars
import os
import shutil

import pytest
from flask_socketio.test_client import SocketIOTestClient

from inspir_events import demo
from inspir_events.app import create_app
from inspir_events.extensions import db, socketio
from tests.authz.routes import ALSO, DEFAULTS, ROUTES, expected_answers, url_values
from tests.authz.world import ROLES, World, add_extra_rows
from tests.conftest import InspirClient
from tests.conftest import testing_config as settings_for

METHODS = ("GET", "POST")
ORIGIN = "http://localhost"  # the testing settings' ALLOWED_ORIGINS
OBSERVE = os.environ.get("AUTHZ_OBSERVE") == "1"  # print the answers seen, to review


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("authz") / "inspir.db"
    shutil.copy(sqlite_template, path)
    app = create_app(settings_for(f"sqlite:///{path}", RATELIMIT_ENABLED=False,
                                      PROPAGATE_EXCEPTIONS=False,
                                      UPLOADS_DIR=str(path.parent / "uploads")))
    app.test_client_class = InspirClient
    with app.app_context():
        assert demo.seed()
        ids = add_extra_rows()
    built = World(app, path, ids)
    built.sign_in_everyone()
    built.save()
    yield built
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def answer(world: World, role: str, method: str, url: str, row) -> tuple[int, bool]:
    """The status of ``role``'s request, and whether it changed the row's effect."""
    client = world.client(role)
    if method == "GET":
        response = client.get(url)
        changed = False
    else:
        before = world.count(row.effect) if row.effect else None
        response = client.open(url, method=method, data={**row.data(world.ids),
                                                         "csrf_token": world.tokens[role]})
        changed = bool(row.effect) and world.count(row.effect) != before
        world.restore()
    status = response.status_code
    response.close()
    return status, changed


def test_every_route_has_a_row(world):
    endpoints = {r.endpoint for r in world.app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ROUTES))
    stale = sorted(set(ROUTES) - endpoints)
    assert not missing, f"routes without authorization expectations: {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"
    assert set(DEFAULTS) >= {row.group for row in ROUTES.values()}


def test_the_matrix(world):
    rules = sorted(world.app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    wrong, observed, cells, route_methods = [], [], 0, 0
    cases = [(rule, row) for rule in rules
             for row in [ROUTES[rule.endpoint], *ALSO.get(rule.endpoint, [])]]
    for rule, row in cases:
        url = rule.build(url_values(row, world.ids), append_unknown=False)[1]
        for method in METHODS:
            if method not in rule.methods:
                continue
            route_methods += 1
            expected = expected_answers(row, method)
            got = [answer(world, role, method, url, row) for role in ROLES]
            cells += len(got)
            observed.append(f"{rule.endpoint:34} {method:4} "
                            f"{' '.join(str(status) for status, _ in got)}")
            wrong.extend(f"{method} {url} as {role}: expected {want}, got {seen}"
                         for role, want, (seen, _) in zip(ROLES, expected, got, strict=True)
                         if seen != want)
            if row.effect and method != "GET":
                changers = {role for role, (_, changed) in zip(ROLES, got, strict=True)
                            if changed}
                if changers != set(row.changed_by.split()):
                    wrong.append(f"{method} {url}: changed by {sorted(changers)}, "
                                 f"expected {row.changed_by.split()}")
    if OBSERVE:
        print("\n" + "\n".join(observed))
    print(f"\n[authorization matrix] {len(rules)} routes ({len(cases)} with the extra "
          f"objects), {route_methods} route-methods x "
          f"{len(ROLES)} roles = {cells} cells, {len(wrong)} wrong")
    assert not wrong, "\n".join(wrong)


# ---- Socket.IO events ----------------------------------------------------------------------

class LiveClient(SocketIOTestClient):
    """A socket test client whose calls each run in a fresh context, as connections do."""

    def _fresh(self, method, *args, **kwargs):
        return contextvars.Context().run(method, *args, **kwargs)

    def connect(self, *args, **kwargs):
        return self._fresh(super().connect, *args, **kwargs)

    def emit(self, *args, **kwargs):
        return self._fresh(super().emit, *args, **kwargs)

    def disconnect(self, *args, **kwargs):
        return self._fresh(super().disconnect, *args, **kwargs)


# Per role (ROLES order): can connect; "join" of the hackathon's room acknowledged ok;
# the "vote" outcome. A visitor is refused at the connection, so sends nothing; only
# the participant confirmed at the hackathon has a vote stored.
SOCKET_EXPECTED = {
    "connect": (False, True, True, True, True, True, True, True, True),
    "join": (None, True, True, True, True, True, True, True, True),
    "vote": (None, "not_eligible", "stored", *["not_eligible"] * 6),
}


def test_the_socket_events(world):
    ids = world.ids
    seen = {name: [] for name in SOCKET_EXPECTED}
    stored = []
    for role in ROLES:
        socket = LiveClient(world.app, socketio, flask_test_client=world.client(role),
                            headers={"Origin": ORIGIN})
        connected = socket.is_connected()
        seen["connect"].append(connected)
        if not connected:
            seen["join"].append(None)
            seen["vote"].append(None)
            continue
        before = world.count("SELECT count(*) FROM vote")
        seen["join"].append(socket.emit("join", {"event_id": ids["hackathon"]},
                                        callback=True)["ok"])
        reply = socket.emit("vote", {"round_id": ids["open_round"], "idea_id": ids["idea"]},
                            callback=True)
        seen["vote"].append(reply["outcome"])
        if world.count("SELECT count(*) FROM vote") != before:
            stored.append(role)
        socket.disconnect()
        world.restore()
    print(f"\n[authorization matrix] socket events: {len(SOCKET_EXPECTED)} x {len(ROLES)} "
          f"roles = {len(SOCKET_EXPECTED) * len(ROLES)} cells")
    for name, expected in SOCKET_EXPECTED.items():
        assert tuple(seen[name]) == expected, (name, seen[name])
    assert stored == ["participant"]
