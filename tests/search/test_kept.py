"""A query's matches are kept per process for the index's state (``search_state``,
migration 0025): the same query again, or its next page, reads only its page's rows; any
change to the index, made by the application or by hand, changes the state, and nothing
is kept from a transaction that wrote."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from inspir_events.needs import services as needs
from inspir_events.needs.models import Need
from inspir_events.search import queries, rules
from inspir_events.search.models import SearchState
from tests.search.conftest import BACKENDS

POSTGRES = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


@pytest.fixture
def index_reads(monkeypatch):
    """The index's queries a search runs (the newest, the ranked), as they run."""
    seen: list[str] = []
    read = queries._ids

    def counted(sql, params, prepare=None):
        seen.append(sql)
        return read(sql, params, prepare)

    monkeypatch.setattr(queries, "_ids", counted)
    return seen


def state(db):
    version = db.session.execute(text("SELECT version FROM search_state")).scalar()
    db.session.commit()
    return version


@BACKENDS
def test_the_same_query_and_its_next_pages_read_only_their_rows(db, make_need, found,
                                                                index_reads):
    composters = [make_need(title=f"Composteur {n}") for n in range(23)]
    first = found("composteur")
    assert len(index_reads) == 2  # the newest, then all of them ranked
    assert found("composteur") == first
    page = queries.search(rules.Filters(text="composteur", page=2))
    db.session.commit()
    assert len(page.results) == 3 and not page.more
    assert len(index_reads) == 2  # nothing read again
    shown = {r[1] for r in first} | {r.item_id for r in page.results}
    assert shown == {need.id for need in composters}
    found("composteur", department="80")  # another query: read
    assert len(index_reads) == 4


@BACKENDS
def test_a_broad_query_s_pages_past_the_newest_kept_are_read(db, make_need, monkeypatch,
                                                             index_reads):
    monkeypatch.setattr(rules, "RANKED_MAX", 2)  # the newest three are kept
    markets = [make_need(title=f"Marché {n}") for n in range(30)]
    newest = [need.id for need in reversed(markets)]

    def page(number):
        found = queries.search(rules.Filters(text="marché", page=number), per_page=1)
        db.session.commit()
        assert not found.ranked and found.more
        return [r.item_id for r in found.results]

    assert page(1) + page(2) == newest[:2]
    assert len(index_reads) == 1
    assert page(3) == newest[2:3]  # its next one is past the newest kept
    assert page(10) == newest[9:10]
    assert len(index_reads) == 3


@POSTGRES
def test_on_postgresql_a_page_past_the_newest_kept_is_planned_as_in_memory(db, make_need,
                                                                          monkeypatch):
    monkeypatch.setattr(rules, "RANKED_MAX", 2)
    for n in range(5):
        make_need(title=f"Marché {n}")
    assert queries.search(rules.Filters(text="marché"), per_page=1).results
    db.session.commit()
    assert queries.search(rules.Filters(text="marché", page=4), per_page=1).results
    assert db.session.execute(text("SHOW random_page_cost")).scalar() == "1.1"
    db.session.commit()


@BACKENDS
def test_every_change_to_the_index_changes_its_state(db, make_need):
    before = state(db)
    need = make_need(title="Jardin partagé")
    after_insert = state(db)
    needs.withdraw(need.author, need.id)
    after_delete = state(db)
    db.session.execute(text("UPDATE search_document SET title = 'à la main'"))
    db.session.commit()  # no document left: an UPDATE of no row changes nothing
    unchanged = state(db)
    make_need(title="Ressourcerie")
    db.session.execute(text("UPDATE search_document SET title = 'à la main'"))
    db.session.commit()
    by_hand = state(db)
    assert len({before, after_insert, after_delete, by_hand}) == 4
    assert unchanged == after_delete


@BACKENDS
def test_a_rolled_back_change_leaves_the_state_and_its_matches(db, make_need, found):
    make_need(title="Vélo-école")
    before = state(db)
    db.session.execute(text("DELETE FROM search_document"))
    # Its own change, searched in the transaction that made it (on PostgreSQL, under the
    # state before it: its trigger waits for the commit).
    assert queries.search(rules.Filters(text="velo")).results == []
    db.session.rollback()
    assert state(db) == before
    assert found("velo") != []  # the transaction's own view was not kept


@BACKENDS
def test_a_missing_state_row_is_written_again_by_the_next_change(db, make_need, found):
    db.session.execute(text("DELETE FROM search_state"))
    db.session.commit()
    assert found("cantine") == []
    need = make_need(title="Cantine solidaire")
    assert db.session.get(SearchState, 1) is not None
    db.session.commit()
    assert found("cantine") == [("need", need.id)]


@POSTGRES
def test_on_postgresql_a_transaction_changes_the_state_once_and_at_its_commit(
        db, make_need):
    for n in range(3):
        make_need(title=f"Atelier {n}")
    before = state(db)
    db.session.execute(text("UPDATE search_document SET title = title || ' !'"))
    # Deferred to the commit: not yet changed in the transaction that writes...
    assert db.session.execute(text("SELECT version FROM search_state")).scalar() == before
    db.session.rollback()
    # ...and once for its three documents (counted by a trigger of the test's own,
    # rolled back with it).
    db.session.execute(text("CREATE TEMPORARY TABLE bumps (n integer)"))
    db.session.execute(text(
        "CREATE FUNCTION pg_temp.count_bump() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN INSERT INTO bumps VALUES (1); RETURN NULL; END $$"))
    db.session.execute(text(
        "CREATE TRIGGER count_bump AFTER INSERT OR UPDATE ON search_state "
        "FOR EACH ROW EXECUTE FUNCTION pg_temp.count_bump()"))
    db.session.execute(text("UPDATE search_document SET title = title || ' !'"))
    db.session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # the deferred ones, now
    assert db.session.execute(text("SELECT count(*) FROM bumps")).scalar() == 1
    db.session.rollback()
    assert state(db) == before
    db.session.execute(text("UPDATE search_document SET title = title || ' !'"))
    db.session.commit()
    assert state(db) != before


@POSTGRES
def test_on_postgresql_emptying_the_index_changes_its_state(db, make_need, found):
    make_need(title="Repair café")
    assert found("repair")
    before = state(db)
    db.session.execute(text("TRUNCATE search_document"))
    db.session.commit()
    assert state(db) != before
    assert found("repair") == []


def test_deleting_a_need_by_hand_is_seen_by_the_next_search(db, make_need, found):
    need = make_need(title="Fablab rural")
    assert found("fablab") == [("need", need.id)]
    db.session.execute(text("DELETE FROM search_document WHERE item_id = :id"),
                       {"id": need.id})
    db.session.commit()
    assert found("fablab") == []
    assert db.session.get(Need, need.id) is not None


@POSTGRES
def test_on_postgresql_two_writers_of_the_index_never_wait_on_each_other_for_its_state(
        db, make_need):
    """The state's row is written at each writer's commit, the last lock it takes: a writer
    of the index that waits for a row another writer of the index holds is not holding the
    state's row meanwhile (written at once, it would be: a deadlock)."""
    first, second = make_need(title="Atelier vélo"), make_need(title="Jardin partagé")
    before = state(db)
    one, two, watcher = db.engine.connect(), db.engine.connect(), db.engine.connect()
    change = text("UPDATE search_document SET title = title || ' !' WHERE item_id = :id")
    lock = text("SELECT id FROM need WHERE id = :id FOR UPDATE")
    try:
        for connection in (one, two):
            connection.begin()
            connection.execute(text("SET LOCAL lock_timeout = '20s'"))
        pid = one.execute(text("SELECT pg_backend_pid()")).scalar()
        one.execute(change, {"id": first.id})
        two.execute(lock, {"id": second.id})
        two.execute(change, {"id": second.id})  # (would wait here for one's state row)
        errors = []

        def wait_for_the_need():
            try:
                one.execute(lock, {"id": second.id})
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                errors.append(exc)

        waiting = threading.Thread(target=wait_for_the_need)
        waiting.start()
        blocked = text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND NOT granted")
        deadline = time.monotonic() + 30
        while not watcher.execute(blocked, {"pid": pid}).scalar():
            watcher.rollback()
            assert time.monotonic() < deadline, "the first writer never waited"
            time.sleep(0.01)
        two.commit()  # writes the state at its commit, then lets the first one go on
        waiting.join(30)
        assert not waiting.is_alive() and errors == []
        one.commit()
    finally:
        for connection in (one, two, watcher):
            connection.close()
    assert state(db) != before
