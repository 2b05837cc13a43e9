"""Public boards: reading, filters, territory and theme pages, search, sort, pagination."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from inspir_events.needs import services
from inspir_events.needs.models import Need
from inspir_events.needs.rules import BoardFilters, NeedStatus, Sort, Visibility
from tests.pages import parse


def titles(response) -> list[str]:
    """The need titles listed on a board page, in order."""
    assert response.status_code == 200
    doc = parse(response.get_data(as_text=True))
    return [card.find("h3").text for card in doc.find_all("article", class_="need-card")]


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_visitors_read_the_board_and_a_need(client, make_need):
    need = make_need(title="Un bus le dimanche", tags=["bus"], commune="Abbeville")
    board = client.get("/needs")
    assert titles(board) == ["Un bus le dimanche"]
    text = text_of(board)
    assert "1 besoin" in text and "#bus" in text
    assert "Connectez-vous pour le soutenir" in text
    page = client.get(f"/needs/{need.id}")
    assert page.status_code == 200
    doc = parse(page.get_data(as_text=True))
    assert doc.find("h1").text == "Un bus le dimanche"
    assert "80 Somme, Abbeville" in doc.find("dl", class_="facts").text
    assert doc.find("form", class_="support-form") is None  # supporting needs an account
    assert doc.find("a", href=f"/login?next=/needs/{need.id}") is not None


def test_an_empty_board_says_so(client):
    assert "Aucun besoin ne correspond encore à ces filtres." in text_of(client.get("/needs"))


def test_a_missing_need_is_not_found(client):
    assert client.get("/needs/4242").status_code == 404


@pytest.fixture
def varied(db, make_need):
    """Four needs across departments, themes, statuses and tags (oldest first)."""
    make_need(title="Bus à Amiens", department="80", theme="transports", tags=["bus"])
    make_need(title="Médecin à Laon", department="02", theme="sante", tags=["médecin"])
    addressed = make_need(title="Cabinet médical à Lille", department="59", theme="sante",
                          tags=["médecin", "lille"])
    services.mark_addressed([addressed.id])
    db.session.commit()
    make_need(title="Piste cyclable à Arras", department="62", theme="transports",
              tags=["vélo"], status=NeedStatus.CLOSED)


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Piste cyclable à Arras", "Cabinet médical à Lille", "Médecin à Laon",
          "Bus à Amiens"]),
    ("department=02", ["Médecin à Laon"]),
    ("theme=sante", ["Cabinet médical à Lille", "Médecin à Laon"]),
    ("theme=sante&department=59", ["Cabinet médical à Lille"]),
    ("status=addressed", ["Cabinet médical à Lille"]),
    ("status=closed", ["Piste cyclable à Arras"]),
    ("status=published", ["Médecin à Laon", "Bus à Amiens"]),
    ("tag=médecin", ["Cabinet médical à Lille", "Médecin à Laon"]),
    ("tag=M%C3%A9decin", ["Cabinet médical à Lille", "Médecin à Laon"]),  # normalised
    ("tag=vélo&theme=transports", ["Piste cyclable à Arras"]),
    ("tag=inconnu", []),
    ("department=75", []),
    ("status=bogus", ["Piste cyclable à Arras", "Cabinet médical à Lille", "Médecin à Laon",
                      "Bus à Amiens"]),  # an unknown status is ignored
])
def test_filters(client, varied, query, expected):
    assert titles(client.get(f"/needs?{query}")) == expected


def test_the_territory_page(client, varied):
    response = client.get("/needs/territory/80")
    assert titles(response) == ["Bus à Amiens"]
    doc = parse(response.get_data(as_text=True))
    assert doc.find("h1").text == "Besoins dans le département 80 Somme"
    assert doc.by_id("department") is None  # the territory is fixed
    assert titles(client.get("/needs/territory/59?theme=sante")) == ["Cabinet médical à Lille"]
    assert titles(client.get("/needs/territory/59?theme=culture")) == []


def test_the_theme_page(client, varied):
    response = client.get("/needs/theme/sante")
    assert titles(response) == ["Cabinet médical à Lille", "Médecin à Laon"]
    doc = parse(response.get_data(as_text=True))
    assert "Santé" in doc.find("h1").text
    assert doc.by_id("theme") is None
    assert titles(client.get("/needs/theme/sante?department=02")) == ["Médecin à Laon"]


@pytest.mark.parametrize("path", ["/needs/territory/75", "/needs/territory/x",
                                  "/needs/theme/conquete_spatiale"])
def test_unknown_territory_or_theme_pages_are_not_found(client, path):
    assert client.get(path).status_code == 404


# --- Search ---

@pytest.fixture
def searchable(make_need):
    make_need(title="Une crèche à Saint-Quentin",
              description="Les **horaires** de l’école ne conviennent pas aux parents.",
              department="02")
    make_need(title="Un médecin de garde", description="La nuit, aller à l'hôpital d'Amiens.")
    make_need(title="Réseau 100% fibre", description="Le débit est trop faible au village.")


@pytest.mark.parametrize(("q", "expected"), [
    ("crèche", ["Une crèche à Saint-Quentin"]),
    ("CRECHE", ["Une crèche à Saint-Quentin"]),
    ("Ecole", ["Une crèche à Saint-Quentin"]),  # in the description, accent-insensitive
    ("horaires", ["Une crèche à Saint-Quentin"]),  # Markdown is searched as text
    ("hôpital", ["Un médecin de garde"]),
    ("HOPITAL amiens", ["Un médecin de garde"]),
    ("hopital laon", []),  # every word must match
    ("médecin crèche", []),
    ("village", ["Réseau 100% fibre"]),
    ("strong", []),  # markup is not searched
    ("__", []),  # LIKE's "_" is literal, not "any character"
    ("a_e", []),
    ("%", ["Réseau 100% fibre", "Un médecin de garde", "Une crèche à Saint-Quentin"]),
    ("%crèche%", ["Une crèche à Saint-Quentin"]),
])
def test_search(client, searchable, q, expected):
    assert titles(client.get("/needs", query_string={"q": q})) == expected


def test_search_keeps_the_query_in_the_form(client, searchable):
    doc = parse(client.get("/needs", query_string={"q": "hôpital"}).get_data(as_text=True))
    assert doc.by_id("q").get("value") == "hôpital"


def test_search_combines_with_filters(client, searchable):
    assert titles(client.get("/needs?q=medecin&department=02")) == []
    assert titles(client.get("/needs?q=ecole&department=02")) == ["Une crèche à Saint-Quentin"]
    assert titles(client.get("/needs?q=ecole&department=80")) == []


# --- Sort ---

def test_sort_by_newest_or_most_supported(client, db, make_need, make_user):
    old_popular = make_need(title="Ancien et soutenu")
    quiet = make_need(title="Sans soutien")
    tie_old = make_need(title="Deux soutiens, plus ancien")
    tie_new = make_need(title="Deux soutiens, plus récent")
    fans = [make_user() for _ in range(3)]
    for need, count in ((old_popular, 3), (tie_old, 2), (tie_new, 2)):
        for fan in fans[:count]:
            services.set_support(fan, need.id, True)
    assert quiet.supporters_count == 0
    newest = ["Deux soutiens, plus récent", "Deux soutiens, plus ancien", "Sans soutien",
              "Ancien et soutenu"]
    assert titles(client.get("/needs")) == newest
    assert titles(client.get("/needs?sort=newest")) == newest
    assert titles(client.get("/needs?sort=supported")) == [
        "Ancien et soutenu", "Deux soutiens, plus récent", "Deux soutiens, plus ancien",
        "Sans soutien"]
    assert titles(client.get("/needs?sort=bogus")) == newest


# --- Pagination ---

def link_args(doc, rel: str) -> dict[str, list[str]]:
    link = doc.find("a", rel=rel)
    assert link is not None, f"no {rel} link"
    return parse_qs(urlsplit(link.get("href")).query)


def test_pages_hold_at_most_fifty_needs(client, make_need):
    for n in range(51):
        make_need(title=f"Besoin {n:02d}", theme="sante")
    first = client.get("/needs?per_page=500&theme=sante")
    assert len(titles(first)) == 50
    assert titles(first)[0] == "Besoin 50"
    doc = parse(first.get_data(as_text=True))
    assert "Page 1 sur 2" in doc.find("nav", class_="pagination").text
    assert "51 besoins" in doc.find("p", class_="result-count").text
    args = link_args(doc, "next")
    assert args == {"per_page": ["500"], "theme": ["sante"], "page": ["2"]}
    second = client.get("/needs?per_page=500&theme=sante&page=2")
    assert titles(second) == ["Besoin 00"]
    assert link_args(parse(second.get_data(as_text=True)), "prev")["page"] == ["1"]


def test_page_two_shows_the_rest_and_links_keep_the_filters(client, make_need):
    for n in range(5):
        make_need(title=f"Vélo {n}", tags=["vélo"], department="62")
    make_need(title="Autre chose", department="62")
    first = client.get("/needs/territory/62?tag=vélo&q=velo&sort=supported&per_page=3")
    assert titles(first) == ["Vélo 4", "Vélo 3", "Vélo 2"]
    doc = parse(first.get_data(as_text=True))
    link = doc.find("a", rel="next").get("href")
    assert urlsplit(link).path == "/needs/territory/62"
    assert parse_qs(urlsplit(link).query) == {
        "tag": ["vélo"], "q": ["velo"], "sort": ["supported"], "per_page": ["3"], "page": ["2"]}
    assert titles(client.get(link)) == ["Vélo 1", "Vélo 0"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "99999999999999999999999"])
def test_odd_page_numbers_show_a_real_page(client, make_need, page):
    for n in range(3):
        make_need(title=f"Besoin {n}")
    shown = titles(client.get(f"/needs?per_page=2&page={page}"))
    assert shown in (["Besoin 2", "Besoin 1"], ["Besoin 0"])


def test_the_default_page_size_is_twenty(client, make_need):
    for n in range(21):
        make_need(title=f"Besoin {n}")
    assert len(titles(client.get("/needs"))) == 20
    assert len(titles(client.get("/needs?per_page=abc"))) == 20


# --- What never shows ---

@pytest.fixture
def off_board(make_need, make_user):
    """One need of each kind that must stay off the boards, all by ``author``."""
    author = make_user(display_name="Dominique")
    make_need(title="Besoin visible", tags=["caché"], theme="sante")
    needs = {
        "hidden": make_need(author=author, title="Besoin caché par la modération",
                            tags=["caché"], theme="sante", visibility=Visibility.HIDDEN),
        "pending": make_need(author=author, title="Besoin caché en attente",
                             tags=["caché"], theme="sante", visibility=Visibility.PENDING),
        "withdrawn": make_need(author=author, title="Besoin caché retiré", tags=["caché"],
                               theme="sante", status=NeedStatus.WITHDRAWN),
    }
    return author, needs


@pytest.mark.parametrize("path", [
    "/needs", "/needs?q=besoin", "/needs?tag=caché", "/needs/territory/80",
    "/needs/theme/sante", "/needs?sort=supported", "/needs?status=published",
    "/needs?department=80&theme=sante",
])
def test_hidden_pending_and_withdrawn_needs_never_appear(client, off_board, path):
    assert titles(client.get(path)) == ["Besoin visible"]


def test_searching_for_them_finds_nothing(client, off_board):
    assert titles(client.get("/needs?q=caché")) == []


@pytest.mark.parametrize("kind", ["hidden", "pending", "withdrawn"])
def test_their_pages_are_not_found_for_others(app, client, login, make_user, off_board, kind):
    author, needs = off_board
    need_id = needs[kind].id
    assert client.get(f"/needs/{need_id}").status_code == 404
    other = app.test_client()
    login(make_user(), on=other)
    assert other.get(f"/needs/{need_id}").status_code == 404
    own = app.test_client()
    login(author, on=own)
    assert own.get(f"/needs/{need_id}").status_code == 200


@pytest.mark.parametrize("path", [
    "/needs", "/needs?department=80", "/needs/territory/80", "/needs/territory/59",
    "/needs?q=a", "/needs?sort=supported",
])
def test_a_total_read_from_the_map_counts_only_public_needs(client, off_board, make_need,
                                                             path):
    # The unfiltered and department boards take their total from the public needs per
    # department (the map's figures): the same as counting the board's own statement.
    make_need(title="Besoin du Nord", department="59")
    expected = 1 if "59" in path or "80" in path else 2
    page = client.get(path).get_data(as_text=True)
    assert re.search(rf'class="result-count"[^>]*>\s*{expected} besoins?\s*<', page)


@pytest.mark.parametrize("filters", [
    BoardFilters(), BoardFilters(department="80"), BoardFilters(department="02"),
    BoardFilters(department="80", theme="sante"), BoardFilters(query="visible"),
    BoardFilters(tag="caché"), BoardFilters(status=NeedStatus.PUBLISHED),
    BoardFilters(sort=Sort.SUPPORTED, department="59"),
])
def test_the_board_total_is_the_same_counted_or_read_from_the_map(db, off_board, make_need,
                                                                  filters):
    make_need(title="Besoin du Nord", department="59", theme="sante")
    stmt, params = services.board_statement(filters)
    page = services.board(filters)
    assert page.total == db.session.scalar(
        select(func.count()).select_from(stmt.order_by(None).subquery()), params)
    assert page.department_counts == services.public_counts()  # the map's, with the page


def test_a_board_statement_is_built_once_per_shape_of_its_filters():
    """Two boards whose filters differ only in their values share one statement (built
    and keyed once: issue 21 §6); the values go as its parameters."""
    somme, nord = (services.board_statement(BoardFilters(department=code, query="jardin bus"))
                   for code in ("80", "59"))
    assert somme[0] is nord[0]
    assert (somme[1]["department"], nord[1]["department"]) == ("80", "59")
    assert somme[1]["term0"] == nord[1]["term0"] == "%jardin%"
    others = [BoardFilters(department="80", query="jardin"),
              BoardFilters(department="80", query="jardin bus", sort=Sort.SUPPORTED),
              BoardFilters(theme="sante", query="jardin bus")]
    assert all(services.board_statement(f)[0] is not somme[0] for f in others)


def test_boards_of_one_shape_each_list_their_own_needs(db, make_need, make_user):
    """The statement shared by a shape of filters takes each board's own values."""
    make_need(title="Jardin partagé du Nord", department="59", theme="sante", tags=["potager"])
    make_need(title="Jardin partagé de la Somme", department="80", theme="sante",
              tags=["verger"])
    make_need(title="Bus de nuit dans la Somme", department="80", theme="transports")
    for filters, expected in [
        (BoardFilters(department="59", query="jardin"), ["Jardin partagé du Nord"]),
        (BoardFilters(department="80", query="jardin"), ["Jardin partagé de la Somme"]),
        (BoardFilters(department="80", query="nuit"), ["Bus de nuit dans la Somme"]),
        (BoardFilters(tag="potager"), ["Jardin partagé du Nord"]),
        (BoardFilters(tag="verger"), ["Jardin partagé de la Somme"]),
        (BoardFilters(theme="transports", department="80"), ["Bus de nuit dans la Somme"]),
        (BoardFilters(theme="sante", department="59"), ["Jardin partagé du Nord"]),
    ]:
        page = services.board(filters)
        assert [n.title for n in page.items] == expected, filters
        assert page.total == len(expected)


def test_a_board_reads_its_needs_as_the_columns_its_cards_show(db, make_need):
    """services.board reads CARD_FIELDS, not Need objects (loading twenty of them cost as
    much as running the page's statement)."""
    make_need(title="Un banc au parc")
    db.session.expunge_all()
    page = services.board(BoardFilters())
    assert [row.title for row in page.items] == ["Un banc au parc"]
    assert not any(isinstance(obj, Need) for obj in db.session.identity_map.values())
