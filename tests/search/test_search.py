"""The site's search: what it finds, how it ranks, filters and marks, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from inspir_events.accounts.models import Role
from inspir_events.aid.projects.stages import Qualification, Stage
from inspir_events.needs.rules import NeedStatus, Visibility
from inspir_events.search import queries, rules
from tests.search.conftest import BACKENDS


@BACKENDS
def test_accents_do_not_matter_either_way(db, make_need, found):
    accented = make_need(title="Jardin partagé et écologie urbaine")
    plain = make_need(title="Atelier ecologie pour les familles")
    assert set(found("écologie")) == {("need", accented.id), ("need", plain.id)}
    assert set(found("ecologie")) == {("need", accented.id), ("need", plain.id)}
    assert set(found("ÉCOLOGIE")) == {("need", accented.id), ("need", plain.id)}


@BACKENDS
def test_a_title_match_ranks_above_a_text_match(db, make_need, found):
    in_text = make_need(title="Un besoin de la campagne",
                        description="Nous voulons une navette vers la gare.")
    in_title = make_need(title="Une navette pour le marché",
                         description="Le samedi matin, rien ne circule.")
    assert found("navette") == [("need", in_title.id), ("need", in_text.id)]
    # Every word must be there.
    assert found("navette marché") == [("need", in_title.id)]
    assert found("navette introuvable") == []


@BACKENDS
def test_it_finds_every_kind(db, make_need, make_event, make_idea, make_round, make_team,
                             make_participant, voting_event, organiser, make_project,
                             structure, found):
    need = make_need(title="Covoiturage solidaire")
    event = make_event(title="Hackathon covoiturage")
    project = make_project("Covoiturage en expérimentation", stage=Stage.EXPERIMENTATION)
    entry = make_project("Covoiturage diffusé", stage=Stage.DIFFUSION)
    structure.bio = "Nous accompagnons le covoiturage rural."
    db.session.commit()
    author = make_participant(voting_event)
    make_team(author, voting_event)
    idea = make_idea(author, title="Une appli de covoiturage")
    voting_round = make_round()
    from inspir_events.voting import rounds
    rounds.close_round(organiser, voting_round.id)
    assert set(found("covoiturage")) == {
        ("need", need.id), ("event", event.id), ("project", project.id),
        ("store", entry.id), ("structure", structure.id), ("idea", idea.id)}


@BACKENDS
def test_filters_narrow_by_kind_department_and_theme(db, make_need, make_event, found):
    somme = make_need(title="Fibre au village", department="80", theme="transports")
    nord = make_need(title="Fibre au collège", department="59", theme="education")
    event = make_event(title="Fibre et territoires", department_code="59")
    assert set(found("fibre")) == {("need", somme.id), ("need", nord.id), ("event", event.id)}
    assert set(found("fibre", kind="need")) == {("need", somme.id), ("need", nord.id)}
    assert set(found("fibre", department="59")) == {("need", nord.id), ("event", event.id)}
    assert found("fibre", theme="education") == [("need", nord.id)]
    assert found("fibre", kind="event", department="80") == []


@BACKENDS
def test_hidden_pending_withdrawn_and_draft_items_are_never_found(
        db, make_need, make_event, make_project, make_user, make_idea, make_participant,
        make_team, make_round, voting_event, found):
    make_need(title="Potager caché", visibility=Visibility.HIDDEN)
    make_need(title="Potager en attente", visibility=Visibility.PENDING)
    make_need(title="Potager retiré", status=NeedStatus.WITHDRAWN)
    make_event(title="Potager en brouillon", published=False)
    make_event(title="Potager annulé", cancelled=True)
    make_project("Potager à qualifier", stage=Stage.IDEE,
                 qualification=Qualification.AWAITING)
    make_project("Potager d'un autre programme", stage=Stage.IDEE,
                 qualification=Qualification.ORIENTED_PROGRAMME, oriented_programme="x")
    make_user(display_name="Potager sans rôle de structure")
    author = make_participant(voting_event)
    make_team(author, voting_event)
    make_idea(author, title="Potager d'un vote encore ouvert")
    make_round()  # opened, not closed
    visible = make_need(title="Potager public")
    assert found("potager") == [("need", visible.id)]


def test_the_page_marks_the_matches_and_escapes_what_people_wrote(db, make_need, client):
    need = make_need(title="<script>alert('titre')</script> Vélo-école",
                     description="Une <script>alert('x')</script> vélo-école pour adultes.")
    page = client.get("/search?q=velo")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/needs/{need.id}"' in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html
    assert "<mark>Vélo</mark>" in html
    assert 'class="search-extract"' in html


def test_the_header_box_leads_to_the_search(client):
    html = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in html and 'class="site-search" role="search"' in html


def test_an_empty_or_unknown_query_and_odd_filters_are_no_error(db, make_need, client):
    need = make_need(title="Marché de producteurs")
    for url in ("/search", "/search?q=", "/search?q=%22%2A%28", "/search?q=le+la+les",
                "/search?q=march%C3%A9&kind=nope&department=99&theme=x&page=abc",
                "/search?q=" + "a" * 5000):
        assert client.get(url).status_code == 200, url
    html = client.get("/search?q=marche&kind=nope").get_data(as_text=True)
    assert f'href="/needs/{need.id}"' in html  # the unknown kind is no filter


def test_results_are_paged(db, make_need, client, found):
    for n in range(23):
        make_need(title=f"Composteur {n}")
    first = client.get("/search?q=composteur").get_data(as_text=True)
    assert first.count('class="search-result"') == 20 and 'rel="next"' in first
    second = client.get("/search?q=composteur&page=2").get_data(as_text=True)
    assert second.count('class="search-result"') == 3 and 'rel="prev"' in second


def test_structure_role_matters(db, make_user, found):
    user = make_user(display_name="Incubateur des Flandres", roles=(Role.SUPPORT_STRUCTURE,))
    assert found("flandres") == [("structure", user.id)]


@BACKENDS
def test_a_too_broad_query_comes_newest_first_and_says_so(db, make_need, client, found,
                                                         monkeypatch):
    monkeypatch.setattr(rules, "RANKED_MAX", 2)
    needs = [make_need(title=f"Marché {n}", description="Un marché. " * (4 - n))
             for n in range(4)]
    assert found("marché") == [("need", n.id) for n in reversed(needs)]
    assert "les plus récents d’abord" in client.get("/search?q=marche").get_data(as_text=True)
    # Narrowed by a filter under the limit: ranked again.
    other = make_need(title="Marché du soir", department="59")
    make_need(title="Un rendez-vous", description="Au marché du soir.", department="59")
    assert found("marché", department="59")[0] == ("need", other.id)
    assert "les plus récents d’abord" not in client.get(
        "/search?q=marche&department=59").get_data(as_text=True)


@BACKENDS
def test_a_word_does_not_find_the_words_sharing_only_the_start_of_its_stem(db, make_need,
                                                                         found):
    """PostgreSQL stems « logement » to « log »: its stem as a prefix found « logiciel »
    and « logistique », which SQLite (the words starting with the word typed) never did.
    A word finds its own stem's words and the words it starts, on both engines."""
    housing = make_need(title="Logement des étudiants")
    plural = make_need(title="Logements vacants")
    software = make_need(title="Logiciel libre pour les associations")
    logistics = make_need(title="Une plateforme logistique")
    assert set(found("logement")) == {("need", housing.id), ("need", plural.id)}
    assert ("need", plural.id) in found("logements")
    assert found("logiciel") == [("need", software.id)]
    assert found("logisti") == [("need", logistics.id)]
    assert found("étudiant") == [("need", housing.id)]


@BACKENDS
def test_a_word_finds_the_longer_words_it_starts(db, make_need, found):
    """SQLite replaces a typed word by the index's words starting with it (FTS5's
    vocabulary), or keeps FTS5's prefix search when there are many; PostgreSQL's prefix
    query does the same. Either way the same documents are found."""
    one = make_need(title="Logement des étudiants")
    two = make_need(title="Logements vacants en centre-bourg")
    three = make_need(title="Logementaire, un mot inventé")
    many = [make_need(title=f"Jardinage{i} au quartier") for i in range(20)]
    assert set(found("logement")) == {("need", n.id) for n in (one, two, three)}
    assert set(found("jardin")) == {("need", n.id) for n in many}
    assert found("logemenz") == []
    assert found("logement jardin") == []


@BACKENDS
def test_a_plural_typed_marks_the_singular_found(db, make_need, client):
    """PostgreSQL matches stems ("écoles" finds "école"); the marks follow the stems."""
    need = make_need(title="Une école du numérique", description="Des écoles ouvertes.")
    html = client.get("/search?q=ecoles").get_data(as_text=True)
    if db.engine.dialect.name == "postgresql":
        assert f'href="/needs/{need.id}"' in html
        assert "<mark>école</mark>" in html
    assert "<mark>écoles</mark>" in html


POSTGRES = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


@POSTGRES
def test_on_postgresql_each_search_is_planned_for_its_own_words(db, make_need, found):
    """psycopg prepares a statement on its fifth run on a connection, and PostgreSQL then
    keeps one generic plan for every word: a frequent word's search went from 1 ms to
    24 ms after a few rarer ones (bench/README.md). The search's statement is never
    prepared, on a connection that ran it many times."""
    make_need(title="Marché de producteurs", description="Un marché du samedi.")
    words = ["marché", "producteurs", "samedi", "jardin", "vélo", "gare", "école", "bus"]
    for word in words * 2:  # one connection: the pool's (a request at a time)
        found(word)
    connection = db.session.connection().connection.driver_connection
    statements = [row[0] for row in connection.execute(
        "SELECT statement FROM pg_prepared_statements").fetchall()]
    assert not [s for s in statements if "search_vector @@" in s], statements
    assert found("marché") and found("producteurs samedi")


@POSTGRES
def test_on_postgresql_a_search_is_planned_as_in_memory_for_its_transaction_only(db,
                                                                                make_need):
    """random_page_cost 1.1 (an index and a table in memory) for the search's own
    transaction; the server's setting everywhere else."""
    make_need(title="Marché de producteurs")
    db.session.commit()
    server = db.session.execute(text("SHOW random_page_cost")).scalar()
    db.session.commit()
    assert queries.search(rules.Filters(text="marché")).results
    assert db.session.execute(text("SHOW random_page_cost")).scalar() == "1.1"
    db.session.commit()
    assert db.session.execute(text("SHOW random_page_cost")).scalar() == server
