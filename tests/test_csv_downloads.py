"""Every CSV download of ``app.url_map`` (issue 18, 1.1 and 4.4), on the demo's world: every
field quoted, no piece of a cell that a spreadsheet could read as a formula (whatever it
splits on), its French spreadsheet flavour (BOM, ";"), and the pages link both."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.events.models import Registration
from inspir_events.extensions import db
from tests.authz.routes import ROUTES, url_values
from tests.authz.world import World, build_world, close_world

HOSTILE = "Karim;=1+1;@SUM(1+1)"
# The page showing each download's links (its endpoint, URL arguments, who reads it).
PAGES = {
    "needs.export_csv": ("needs.board", {}, "visitor"),
    "api.events_csv": ("api.open_data", {}, "visitor"),
    "api.store_csv": ("api.open_data", {}, "visitor"),
    "api.comments_csv": ("api.open_data", {}, "visitor"),
    "aid.subventions_csv": ("aid.envelopes", {}, "visitor"),
    "events.registrations_csv": ("events.registrations", {"event_id": "hackathon"}, "organiser"),
    "teams.export_csv": ("teams.index", {"event_id": "hackathon"}, "organiser"),
    "voting.results_csv": ("voting.results", {"round_id": "closed_round"}, "visitor"),
}
READERS = {"events.registrations_csv": "organiser", "teams.export_csv": "organiser"}


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    built = build_world(sqlite_template, tmp_path_factory.mktemp("csv"), RATELIMIT_ENABLED=False)
    with built.app.app_context():
        # A participant of the hackathon whose name would be three cells in a French
        # spreadsheet, two of them formulas (the review's finding).
        registration = db.session.scalar(select(Registration).where(
            Registration.event_id == built.ids["hackathon"]).order_by(Registration.id))
        db.session.get(User, registration.user_id).display_name = HOSTILE
        db.session.commit()
    yield built
    close_world(built)


def csv_endpoints(app) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()
                   if rule.rule.endswith(".csv")})


def url(world: World, endpoint: str, **extra) -> str:
    with world.app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **url_values(ROUTES[endpoint], world.ids), **extra)


def formula_pieces(cell: str) -> list[str]:
    """Pieces of ``cell`` (split where any spreadsheet may split) that a spreadsheet would
    read as a formula: starting with = + - @ (spaces trimmed), except a Markdown list
    item "- " in a cell that has no parenthesis and no pipe (opendata.py's rule)."""
    risky = []
    for piece in re.split(r"[,;\t\r\n]", cell):
        piece = piece.lstrip(" ")
        if not piece or piece[0] not in "=+-@\uff1d\uff0b\uff0d\uff20":
            continue
        if piece.startswith("- ") and "(" not in cell and "|" not in cell:
            continue
        risky.append(piece)
    return risky


def test_the_download_endpoints_are_known(world):
    assert set(csv_endpoints(world.app)) == set(PAGES)


@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_every_field_is_quoted_and_no_piece_is_a_formula(world, endpoint):
    client = world.client(READERS.get(endpoint, "visitor"))
    response = client.get(url(world, endpoint))
    assert response.status_code == 200, endpoint
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert len(rows) >= 2, f"{endpoint}: no data row to check"
    quoted = io.StringIO()
    csv.writer(quoted, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    assert body == quoted.getvalue(), f"{endpoint}: a field is not quoted"
    for row in rows:
        for cell in row:
            assert not formula_pieces(cell), (endpoint, cell)
    # Split on ";" as a French spreadsheet does, ignoring the quotes: still no formula.
    for piece in re.split(r"[;,\r\n]", body):
        assert not formula_pieces(piece.strip('"')), (endpoint, piece)


def test_the_hostile_name_is_kept_readable(world):
    body = world.client("organiser").get(
        url(world, "events.registrations_csv")).get_data(as_text=True)
    assert "\"Karim;'=1+1;'@SUM(1+1)\"" in body


@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_each_download_has_its_french_spreadsheet_flavour(world, endpoint):
    client = world.client(READERS.get(endpoint, "visitor"))
    standard = client.get(url(world, endpoint))
    french = client.get(url(world, endpoint, flavour="excel-fr"))
    assert french.status_code == 200
    raw = french.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert french.headers["Content-Disposition"].endswith('.fr.csv"')
    assert standard.headers["Content-Disposition"].endswith('.csv"')
    assert not standard.get_data().startswith(b"\xef\xbb\xbf")
    french_rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""),
                                  delimiter=";"))
    standard_rows = list(csv.reader(io.StringIO(standard.get_data(as_text=True),
                                                newline="")))
    assert french_rows[0] == standard_rows[0]
    assert len(french_rows) == len(standard_rows)
    for french_row, standard_row in zip(french_rows, standard_rows, strict=True):
        assert [c.replace(",", ".") for c in french_row] == [
            c.replace(",", ".") for c in standard_row]


def test_amounts_have_a_decimal_comma_in_the_french_flavour(world):
    client = world.client("visitor")
    french = client.get(url(world, "aid.subventions_csv", flavour="excel-fr"))
    rows = list(csv.DictReader(io.StringIO(french.get_data().decode("utf-8-sig"),
                                           newline=""), delimiter=";"))
    assert rows and all(re.fullmatch(r"\d+,\d\d", row["montant"]) for row in rows)


@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_pages_link_both_flavours(world, endpoint):
    page, args, role = PAGES[endpoint]
    with world.app.test_request_context():
        from flask import url_for

        address = url_for(page, **{k: world.ids[v] for k, v in args.items()})
    body = world.client(role).get(address).get_data(as_text=True)
    path = url(world, endpoint).split("?")[0]
    links = re.findall(r'href="([^"]+)"', body)
    assert any(link.split("?")[0] == path and "flavour" not in link for link in links), endpoint
    assert any(link.split("?")[0] == path and "flavour=excel-fr" in link for link in links), (
        endpoint)
