"""No N+1 queries: a board page runs a small, constant number of SQL statements.

The statements are counted on the engine ("before_cursor_execute") during one
request, session and user loading included, with 60 needs carrying tags and
supports. The count must not grow with the page size (5 or 50 needs shown), for
anonymous visitors and for a signed-in citizen (whose supports are marked).

The budget of a board page, in queries (SQLite's BEGIN is counted apart): the
board itself (its count unless the map's figures give it, and its page — each need
with its tags, the viewer's support and its public comments, and the map's needs per
department: NEED_QUERIES) and, signed in, what every page loads (the session with its
user, roles and the header's facts, one statement). The filter lists are the reference
rows, read once per process. The whole board, unfiltered, is one statement.

Run with ``pytest -s`` to see the counts and the statements.
"""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from inspir_events.needs.models import Need, NeedSupport, NeedTag
from inspir_events.needs.rules import NeedStatus, Visibility
from inspir_events.timeutil import utcnow

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
# count (unless read from the map's), page (with tags, supports, comments and the map's
# needs per department)
NEED_QUERIES = 2
SESSION_QUERIES = 1  # signed in: the session with its user, roles and the header's facts
BOARD_MAX_QUERIES = NEED_QUERIES + SESSION_QUERIES
SITE_WIDE_QUERIES = 3  # a need's page, signed in: + session (and header), support, follow
# need, tags, lineage (events, ideas, projects), follow, the conversation (issue 20 §1)
DETAIL_MAX_QUERIES = 7 + SITE_WIDE_QUERIES
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
NEED_TABLES = re.compile(r"\bFROM (need|need_tag|need_support)\b")
DEPARTMENTS = ("02", "59", "60", "62", "80")
THEMES = ("transports", "sante", "culture", "logement", "emploi", "environnement")


def seed_needs(db, author, supporters, viewer, count: int = 60) -> list[int]:
    """``count`` public needs with 1 to 5 tags each; supports from ``supporters``, and
    the viewer's on every third need. Counters match the rows."""
    now = utcnow()
    ids = []
    for i in range(count):
        need = Need(
            author_id=author.id, title=f"Besoin numéro {i} du territoire",
            description=f"Description du besoin {i}.", description_html=f"<p>Besoin {i}.</p>",
            search_text=f"besoin numero {i} du territoire", department_code=DEPARTMENTS[i % 5],
            commune="Amiens" if i % 2 else None, theme_code=THEMES[i % len(THEMES)],
            status=NeedStatus.PUBLISHED, visibility=Visibility.PUBLIC, supporters_count=0,
            created_at=now - timedelta(minutes=i), updated_at=now,
        )
        need.tag_rows = [NeedTag(tag=f"tag{(i + k) % 12}", position=k) for k in range(1 + i % 5)]
        db.session.add(need)
        db.session.flush()
        backers = [u for k, u in enumerate(supporters) if (i + k) % 3 == 0]
        if i % 3 == 0:
            backers.append(viewer)
        for user in backers:
            db.session.add(NeedSupport(need_id=need.id, user_id=user.id))
        need.supporters_count = len(backers)
        ids.append(need.id)
    db.session.commit()
    return ids


@contextlib.contextmanager
def counting(engine):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def count_get(client, db, url: str) -> list[str]:
    """The queries of one GET (transaction control left out), checked to answer 200."""
    with counting(db.engine) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return [sql for sql in statements if not sql.upper().startswith(TRANSACTION_CONTROL)]


def need_queries(statements: list[str]) -> list[str]:
    return [sql for sql in statements if NEED_TABLES.search(sql)]


def show(label: str, statements: list[str]) -> None:
    print(f"\n[board queries] {label}: {len(statements)} queries "
          f"({len(need_queries(statements))} on the need tables)")
    for sql in statements:
        print("    " + re.sub(r"^(SELECT) .*? (FROM .*)$", r"\1 … \2", sql)[:150])


@pytest.fixture
def board_data(db, make_user):
    author, viewer = make_user(), make_user()
    supporters = [make_user() for _ in range(6)]
    ids = seed_needs(db, author, supporters, viewer)
    return {"viewer": viewer, "ids": ids}


def cards_on(client_response_text: str) -> int:
    return client_response_text.count('class="card need-card"')


@BACKENDS
def test_a_board_page_runs_the_same_few_statements_whatever_its_size(
        client, db, backend, board_data, login):
    counts = {}
    client.get("/needs")  # the reference lists (departments, themes) are read once per app
    for who in ("anonymous", "signed in"):
        if who == "signed in":
            login(board_data["viewer"])
            client.get("/needs")  # the session's first touch is not what we measure
        for per_page in (5, 50):
            url = f"/needs?per_page={per_page}"
            statements = count_get(client, db, url)
            shown = cards_on(client.get(url).get_data(as_text=True))
            assert shown == per_page
            show(f"{backend}, {who}, {url}", statements)
            counts[(who, per_page)] = len(statements)
            assert len(need_queries(statements)) <= NEED_QUERIES, statements

    print(f"\n[board queries] {backend}: " + ", ".join(
        f"{who} per_page={n}: {c}" for (who, n), c in counts.items()))
    assert counts[("anonymous", 5)] == counts[("anonymous", 50)]
    assert counts[("signed in", 5)] == counts[("signed in", 50)]
    assert counts[("anonymous", 50)] <= BOARD_MAX_QUERIES - SESSION_QUERIES
    assert counts[("signed in", 50)] <= BOARD_MAX_QUERIES
    # Unfiltered, the map's figures give its total: its page is its one statement.
    assert counts[("anonymous", 50)] == 1 and counts[("signed in", 50)] == 1 + SESSION_QUERIES


@BACKENDS
def test_filtered_and_searched_boards_stay_constant_too(client, db, backend, board_data,
                                                        login):
    login(board_data["viewer"])
    client.get("/needs")
    urls = ("/needs?department=80&theme=transports&sort=supported&per_page={n}",
            "/needs?q=besoin+territoire&per_page={n}",
            "/needs/territory/59?per_page={n}",
            "/needs?tag=tag3&per_page={n}")
    for template in urls:
        small = count_get(client, db, template.format(n=2))
        large = count_get(client, db, template.format(n=50))
        show(f"{backend}, signed in, {template.format(n=50)}", large)
        assert len(small) == len(large), template
        assert len(need_queries(large)) <= NEED_QUERIES, template
        assert len(large) <= BOARD_MAX_QUERIES + 1, template  # + the territory's own row


@BACKENDS
def test_a_need_page_runs_a_constant_number_of_statements(client, db, backend, board_data,
                                                          login):
    few_tags, many_tags = board_data["ids"][0], board_data["ids"][4]  # 1 tag, 5 tags
    assert len(db.session.get(Need, few_tags).tag_rows) == 1
    assert len(db.session.get(Need, many_tags).tag_rows) == 5
    counts = {}
    for who in ("anonymous", "signed in"):
        if who == "signed in":
            login(board_data["viewer"])
            client.get("/needs")
        for need_id in (few_tags, many_tags):
            statements = count_get(client, db, f"/needs/{need_id}")
            show(f"{backend}, {who}, /needs/{need_id}", statements)
            counts[(who, need_id)] = len(statements)
    assert counts[("anonymous", few_tags)] == counts[("anonymous", many_tags)]
    assert counts[("signed in", few_tags)] == counts[("signed in", many_tags)]
    assert counts[("anonymous", many_tags)] <= DETAIL_MAX_QUERIES - SITE_WIDE_QUERIES
    assert counts[("signed in", many_tags)] <= DETAIL_MAX_QUERIES


@BACKENDS
def test_a_page_of_the_api_reads_its_needs_tags_and_total_in_one_statement(
        client, db, backend, board_data):
    """/api/v1/needs: each need's tags (in their order) and the total come with the page's
    rows (needs.services.board_rows): one statement when the counts per department give
    the total; a page past the last reads the counts on their own."""
    without_tags = board_data["ids"][1]
    db.session.query(NeedTag).filter_by(need_id=without_tags).delete()
    db.session.commit()
    expected = {need.id: [row.tag for row in sorted(need.tag_rows, key=lambda r: r.position)]
                for need in db.session.query(Need)}
    assert max(len(tags) for tags in expected.values()) == 5 and expected[without_tags] == []
    client.get("/api/v1/needs")  # the reference rows (departments) are read once per app
    for url, total in (("/api/v1/needs?per_page=100", 60),
                       ("/api/v1/needs?department=80&per_page=100", 12)):
        statements = count_get(client, db, url)
        show(f"{backend}, anonymous, {url}", statements)
        assert len(statements) == 1, statements
        page = client.get(url).get_json()
        assert page["total"] == total and len(page["items"]) == total
        assert {item["id"]: item["tags"] for item in page["items"]} == {
            need_id: tags for need_id, tags in expected.items()
            if url.find("department") < 0 or db.session.get(Need, need_id).department_code == "80"}
    past = client.get("/api/v1/needs?department=80&page=50").get_json()
    assert past["items"] == [] and past["total"] == 12
    filtered = count_get(client, db, "/api/v1/needs?theme=transports&per_page=100")
    assert len(filtered) == 2, filtered  # counted, then the page
    assert client.get("/api/v1/needs?theme=transports").get_json()["total"] == 10


@BACKENDS
def test_a_signed_in_board_and_the_api_read_without_the_orm(client, db, backend, board_data,
                                                           login):
    """A board's statements (the session's user, the page with its map's figures) and the
    API's are statements of columns, run without the ORM's work on them and their rows
    (``database.page_rows``; ``accounts.services.load_session``): no ORM execution, the
    same page."""
    from inspir_events.extensions import db as extension

    login(board_data["viewer"])
    client.get("/needs")
    orm_executions = []

    def seen(state):
        orm_executions.append(str(state.statement)[:80])

    event.listen(extension.session, "do_orm_execute", seen)
    try:
        for url in ("/needs", "/needs?department=80&sort=supported", "/needs?page=2",
                    "/api/v1/needs"):
            assert count_get(client, db, url), url
    finally:
        event.remove(extension.session, "do_orm_execute", seen)
    assert orm_executions == []
    page = client.get("/needs").get_data(as_text=True)
    assert cards_on(page) == 20
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_on_postgresql_the_board_and_the_api_are_planned_once(app, client, make_need):
    """PostgreSQL plans the board's and the API's statements once (a generic plan, kept
    by the connection): with the needs' visibility a parameter and the page's size and
    place unknown, it estimated the plan for any value dearer and planned them again at
    every page (0.2-0.45 ms of its work each, bench/README.md)."""
    for n in range(3):
        make_need(title=f"Besoin {n}")
    for _ in range(20):  # psycopg prepares a statement at its fifth run
        assert client.get("/needs").status_code == 200
        assert client.get("/api/v1/needs").status_code == 200
    from sqlalchemy import text

    from inspir_events.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        plans = connection.execute(text(
            "SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements "
            "WHERE statement LIKE '%FROM need_public_count%'")).all()
    assert len(plans) == 2, plans  # the board's and the API's
    for generic, custom, statement in plans:
        assert generic >= 5 and custom <= 5, (generic, custom, statement)
        assert "LIMIT 20 OFFSET 0" in statement and "'public'" in statement, statement
