"""The index never goes stale: every change shows in the search at once (it is written in
the change's own transaction), on SQLite and on PostgreSQL; ``flask search-reindex``
rebuilds it; a refused change leaves it as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from inspir_events.accounts import privacy
from inspir_events.accounts import services as accounts
from inspir_events.accounts.models import Role
from inspir_events.aid.projects import services as pipeline
from inspir_events.aid.projects.stages import Stage
from inspir_events.events import services as events
from inspir_events.needs import moderation
from inspir_events.needs import services as needs
from inspir_events.needs.models import Need
from inspir_events.voting import rounds
from tests.conftest import PASSWORD
from tests.search.conftest import BACKENDS


def need_input(need, **changes) -> needs.NeedInput:
    values = {"title": need.title, "description": need.description,
              "department_code": need.department_code, "theme_code": need.theme_code}
    values.update(changes)
    return needs.NeedInput(**values)


@BACKENDS
def test_an_edit_shows_at_once(db, make_need, found):
    need = make_need(title="Ludothèque itinérante")
    assert found("ludotheque") == [("need", need.id)]
    needs.edit(need.author, need.id, need_input(need, title="Bibliothèque itinérante",
                                                 department_code="62"))
    assert found("ludotheque") == []
    assert found("bibliotheque", department="62") == [("need", need.id)]
    assert found("bibliotheque", department="80") == []


@BACKENDS
def test_hiding_and_restoring_show_at_once(db, make_need, moderator, found):
    need = make_need(title="Repair café")
    assert found("repair") == [("need", need.id)]
    moderation.hide(moderator, need.id, "Hors charte")
    assert found("repair") == []
    moderation.restore(moderator, need.id)
    assert found("repair") == [("need", need.id)]


@BACKENDS
def test_withdrawal_shows_at_once(db, make_need, found):
    need = make_need(title="Navette du marché")
    assert found("navette") == [("need", need.id)]
    needs.withdraw(need.author, need.id)
    assert found("navette") == []


@BACKENDS
def test_a_deletion_shows_at_once(db, make_need, found):
    need = make_need(title="Fablab rural")
    assert found("fablab") == [("need", need.id)]
    db.session.delete(db.session.get(Need, need.id))
    db.session.commit()
    assert found("fablab") == []


@BACKENDS
def test_an_event_is_found_once_published_and_lost_once_cancelled(
        db, make_event, organiser, found):
    event = make_event(title="Atelier numérique", published=False)
    assert found("atelier") == []
    events.publish(organiser, event.id)
    assert found("atelier") == [("event", event.id)]
    events.cancel(organiser, event.id)
    assert found("atelier") == []


@BACKENDS
def test_closing_a_round_makes_its_ideas_found(
        db, make_idea, make_round, make_team, make_participant, voting_event, organiser,
        found):
    author = make_participant(voting_event)
    make_team(author, voting_event)
    idea = make_idea(author, title="Conciergerie solidaire")
    voting_round = make_round()
    assert found("conciergerie") == []
    rounds.close_round(organiser, voting_round.id)
    assert found("conciergerie") == [("idea", idea.id)]


@BACKENDS
def test_a_project_reaching_the_store_becomes_a_store_entry(db, make_project, committee,
                                                             found):
    project = make_project("Tiers-lieu mobile", stage=Stage.EXPERIMENTATION)
    assert found("tiers lieu mobile") == [("project", project.id)]
    pipeline.move_project(committee, project.id, "diffusion", "Prêt à essaimer")
    assert found("tiers lieu mobile") == [("store", project.id)]
    assert found("tiers lieu mobile", kind="project") == []


@BACKENDS
def test_account_deletion_and_roles_show_at_once(app, db, make_user, tmp_path, found):
    app.config["DELETION_REGISTER_PATH"] = str(tmp_path / "deletions.jsonl")
    admin = make_user(roles=(Role.ADMIN,))
    person = make_user(display_name="Pépinière Zéphyr")
    assert found("zephyr") == []
    accounts.set_roles(admin, person, {Role.SUPPORT_STRUCTURE})
    assert found("zephyr") == [("structure", person.id)]
    accounts.set_roles(admin, person, set())
    assert found("zephyr") == []
    accounts.set_roles(admin, person, {Role.SUPPORT_STRUCTURE})
    privacy.delete_account(person, PASSWORD)
    assert found("zephyr") == []


@BACKENDS
def test_a_refused_change_leaves_the_index_as_it_was(db, make_need, make_user, found):
    need = make_need(title="Cantine bio")
    with pytest.raises(needs.NeedError):
        needs.edit(need.author, need.id, need_input(need, title="Cantine locale",
                                                     theme_code="nope"))
    assert found("cantine bio") == [("need", need.id)]
    assert found("locale") == []


@BACKENDS
def test_search_reindex_rebuilds_the_index(app, db, make_need, found):
    need = make_need(title="Bricothèque partagée")
    db.session.execute(text("DELETE FROM search_document"))
    db.session.commit()
    assert found("bricotheque") == []
    result = app.test_cli_runner().invoke(args=["search-reindex"])
    assert result.exit_code == 0, result.output
    assert "1 document(s)" in result.output
    assert found("bricotheque") == [("need", need.id)]


@BACKENDS
def test_a_word_first_indexed_after_a_search_is_found_at_once(db, make_need, found):
    """SQLite keeps the index's words a typed word starts (its expansions) for the index's
    state they were read under: a new word, or a new longer form of a word already
    searched, is found by the very next search."""
    assert found("zorglub") == []  # starts no word yet: nothing, and that is kept
    first = make_need(title="Zorglub au marché")
    assert found("zorglub") == [("need", first.id)]
    longer = make_need(title="Les zorglubettes du quartier")
    assert set(found("zorglub")) == {("need", first.id), ("need", longer.id)}
    needs.withdraw(first.author, first.id)
    assert found("zorglub") == [("need", longer.id)]
