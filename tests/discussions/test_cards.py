"""Cards show the comment count (issue 20 §1): the needs board, the ideas of an event,
the pipeline's projects and the store, each from one grouped query, whatever the number
of cards (no N+1); hidden and deleted comments are not counted."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import event

from inspir_events.discussions import moderation, services
from inspir_events.extensions import db as _db


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def statements_of(work, about: str | None = "comment") -> list[str]:
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [s for s in seen if about is None or about in s.lower()]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_counts_are_one_grouped_query_whatever_the_number_of_subjects(db, backend, make_need,
                                                                      comment, make_user):
    needs = [make_need() for _ in range(12)]
    for n, need in enumerate(needs):
        for _ in range(n % 3):
            comment("need", need.id)
    ids = [n.id for n in needs]
    found = {}
    queries = statements_of(lambda: found.update(services.counts("need", ids)))
    assert len(queries) == 1 and "GROUP BY" in queries[0].upper()
    assert found == {need.id: n % 3 for n, need in enumerate(needs) if n % 3}


def test_hidden_and_deleted_comments_are_not_counted(db, make_need, make_user, comment):
    need = make_need()
    kept, hidden = comment("need", need.id), comment("need", need.id)
    author = make_user()
    mine = services.post(author, "need", need.id, "À retirer")
    moderation.hide(make_user(roles=("committee",)), hidden.id, "Hors sujet")
    services.remove(author, mine.id)
    assert services.counts("need", [need.id]) == {need.id: 1}
    assert kept.id


def test_the_needs_board_cards_show_their_comment_count(client, db, make_need, comment):
    quiet, busy = make_need(title="Besoin calme"), make_need(title="Besoin discuté")
    comment("need", busy.id)
    comment("need", busy.id)
    board = text_of(client.get("/needs"))
    assert "2 commentaires" in board and "0 commentaire" in board
    assert quiet.id


def test_ideas_projects_and_store_cards_show_their_comment_count(client, db, voting_setup,
                                                                 make_project, comment):
    setup = voting_setup()
    comment("idea", setup.ideas[0].id)
    assert "1 commentaire" in text_of(client.get(f"/events/{setup.event.id}/ideas"))
    project = make_project("diffusion")
    for _ in range(3):
        comment("project", project.id)
    assert "3 commentaires" in text_of(client.get("/projects"))
    store = client.get("/store").get_data(as_text=True)
    assert 'class="comment-count">3<' in store


def test_a_conversation_is_read_in_one_query_whatever_its_length(db, make_need, comment,
                                                                 make_user):
    from inspir_events.accounts.models import Role

    short, long = make_need(), make_need()
    comment("need", short.id)
    for _ in range(6):
        top = comment("need", long.id, author=make_user(roles=(Role.ORGANISER,)))
        comment("need", long.id, parent=top)
    ids = [short.id, long.id]
    db.session.expire_all()
    for need_id in ids:
        queries = statements_of(lambda need_id=need_id: [
            (e.comment.author.display_name, [r.comment.author.display_name for r in e.replies])
            for e in services.thread("need", need_id).entries], about=None)
        assert len([q for q in queries if q.startswith("SELECT")]) == 1, queries
