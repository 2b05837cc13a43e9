"""The public needs per department the database keeps (``need_public_count``, migration
0024's triggers), on SQLite and PostgreSQL: always what counting ``Need.is_public`` gives,
whatever changes a need, in the transaction that changes it; and migration 0024 counts the
needs already there."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import delete, func, select, update

from inspir_events.api import queries as api_queries
from inspir_events.needs import moderation, services
from inspir_events.needs.models import Need
from inspir_events.needs.rules import BoardFilters, NeedStatus, Visibility
from tests.test_migration_hardening import empty_app, execute  # noqa: F401 (fixture)
from tests.test_migrations import run_db

both_databases = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def counted(db) -> dict[str, int]:
    """The public needs per department as the model's rule counts them."""
    return dict(db.session.execute(
        select(Need.department_code, func.count()).where(Need.is_public)
        .group_by(Need.department_code)).all())


def assert_kept(db) -> None:
    db.session.rollback()  # a fresh transaction: what is committed
    assert services.public_counts() == counted(db)


@both_databases
def test_the_counts_follow_the_model_rule_for_every_visibility_and_status(db, make_need):
    for (visibility, status), department in zip(
            itertools.product(Visibility, NeedStatus), itertools.cycle(["80", "59", "62"])):
        make_need(department=department, visibility=visibility, status=status)
    assert_kept(db)
    assert sum(services.public_counts().values()) == 4  # public, and not withdrawn


@both_databases
def test_every_change_of_a_need_keeps_the_counts_at_once(db, make_need, make_user):
    from inspir_events.accounts.models import Role

    moderator = make_user(display_name="Modératrice", roles=(Role.COMMITTEE,))
    need = make_need(department="80")
    other = make_need(department="59")
    assert_kept(db)
    assert services.public_counts() == {"80": 1, "59": 1}

    moderation.hide(moderator, need.id, "Propos hors sujet")
    assert_kept(db)
    assert services.public_counts() == {"59": 1}
    moderation.restore(moderator, need.id)
    assert_kept(db)

    author = db.session.get(Need, other.id).author
    edited = services.NeedInput(title="Besoin déplacé", description="Un texte assez long.",
                                department_code="62", theme_code="transports", commune="",
                                tags=[])
    services.edit(author, other.id, edited)
    assert_kept(db)
    assert services.public_counts() == {"80": 1, "62": 1}

    services.withdraw(author, other.id)
    assert_kept(db)
    assert services.public_counts() == {"80": 1}

    db.session.execute(update(Need).where(Need.id == need.id)
                       .values(status=NeedStatus.CLOSED, supporters_count=3))
    db.session.commit()
    assert_kept(db)
    assert services.public_counts() == {"80": 1}  # closed needs stay on the boards

    db.session.execute(delete(Need).where(Need.id == need.id))
    db.session.commit()
    assert_kept(db)
    assert services.public_counts() == {}


@both_databases
def test_a_rolled_back_change_leaves_the_counts_as_they_were(db, make_need):
    need = make_need(department="80")
    db.session.execute(update(Need).where(Need.id == need.id).values(department_code="02"))
    assert services.public_counts() == {"02": 1}  # the transaction sees its own change
    db.session.rollback()
    assert services.public_counts() == {"80": 1}


@both_databases
@pytest.mark.parametrize("filters", [
    BoardFilters(), BoardFilters(department="80"), BoardFilters(department="02"),
    BoardFilters(theme="sante"), BoardFilters(query="Nord"),
])
def test_the_board_and_the_api_totals_are_the_needs_counted(db, make_need, filters):
    make_need(title="Besoin du Nord", department="59", theme="sante")
    make_need(title="Besoin de la Somme", department="80")
    make_need(title="Besoin caché", department="80", visibility=Visibility.HIDDEN)
    stmt, params = services.board_statement(filters)
    expected = db.session.scalar(
        select(func.count()).select_from(stmt.order_by(None).subquery()), params)
    assert services.board(filters).total == expected
    assert api_queries.needs(filters, 0, 20)[1] == expected


def test_migration_0024_counts_the_needs_already_there(empty_app):  # noqa: F811
    app = empty_app
    run_db(app, "upgrade", "0023")
    execute(app, "INSERT INTO user_account (id, email, display_name, password_hash, bio, "
            "created_at) VALUES (1, 'a@example.org', 'A', 'x', '', '2026-01-01')")
    rows = [("80", "public", "published"), ("80", "public", "closed"),
            ("80", "hidden", "published"), ("59", "public", "withdrawn"),
            ("59", "pending", "published"), ("62", "public", "addressed")]
    for n, (department, visibility, status) in enumerate(rows, start=1):
        execute(app, "INSERT INTO need (id, author_id, title, description, description_html, "
                "search_text, department_code, theme_code, status, visibility, "
                "supporters_count, created_at, updated_at) VALUES (:id, 1, 'Besoin', 'x', "
                "'x', 'besoin', :department, 'transports', :status, :visibility, 0, "
                "'2026-01-01', '2026-01-01')", id=n, department=department, status=status,
                visibility=visibility)
    run_db(app, "upgrade", "0024")
    assert dict(execute(app, "SELECT department_code, needs FROM need_public_count")) == \
        {"80": 2, "62": 1}
    execute(app, "UPDATE need SET visibility = 'public' WHERE id = 5")
    assert dict(execute(app, "SELECT department_code, needs FROM need_public_count")) == \
        {"80": 2, "62": 1, "59": 1}
    run_db(app, "downgrade", "0023")
    execute(app, "UPDATE need SET visibility = 'hidden' WHERE id = 1")  # no trigger left
