"""The public statistics page: its figures, charts and tables, in French and in English."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from babel.numbers import format_currency

TABLE_RE = r'<table[^>]*id="{}-table".*?</table>'
ROW_RE = re.compile(r'<tr><th scope="row">(.*?)</th>((?:<td class="num">.*?</td>)+)</tr>',
                    re.S)
CELL_RE = re.compile(r'<td class="num">(.*?)</td>', re.S)


def page(client, lang: str = "fr", query: str = "") -> str:
    headers = {"Accept-Language": "en"} if lang == "en" else {}
    response = client.get(f"/statistics{query}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def table(body: str, chart_id: str) -> dict[str, list[str]]:
    """The rows of a chart's table: label -> its cells (unescaped)."""
    match = re.search(TABLE_RE.format(re.escape(chart_id)), body, re.S)
    assert match, f"no table for {chart_id}"
    return {html.unescape(label): [html.unescape(c) for c in CELL_RE.findall(cells)]
            for label, cells in ROW_RE.findall(match.group(0))}


def euros(cents: int, locale: str) -> str:
    return format_currency(Decimal(cents) / 100, "EUR", locale=locale)


def test_the_page_is_public_and_shows_the_known_figures_in_french(client, stats_world):
    body = page(client)
    assert '<html lang="fr"' in body
    needs = table(body, "chart-needs-department")
    assert needs["80 Somme"] == ["2"] and needs["59 Nord"] == ["1"]
    assert needs["62 Pas-de-Calais"] == ["0"]  # its only need is hidden
    assert needs["02 Aisne"] == ["0"] and needs["60 Oise"] == ["0"]  # pending, withdrawn
    themes = table(body, "chart-needs-theme")
    assert themes["Transports et mobilité"] == ["2"] and themes["Santé"] == ["1"]
    assert table(body, "chart-events-department")["80 Somme"] == ["1"]
    assert table(body, "chart-participants-kind")["Hackathon"] == ["2"]
    projects = table(body, "chart-projects-stage")
    assert projects.pop("Total") == ["3"]  # listed projects only
    assert sum(int(v[0]) for v in projects.values()) == 3
    money = table(body, "chart-money")
    amount, committed, granted = stats_world["npdc_investment"]
    npdc = next(cells for label, cells in money.items() if label.startswith("Nord-Pas"))
    assert npdc == [euros(amount, "fr"), euros(committed, "fr"), euros(granted, "fr"),
                    euros(amount - committed, "fr")]
    assert "150\u202f000,00\xa0€" in npdc[0]  # French format: 150 000,00 €


def test_every_chart_is_an_accessible_svg_with_its_table(client, stats_world):
    body = page(client)
    svgs = re.findall(r'<svg [^>]*>', body)
    assert len(svgs) == 15  # 7 figures of all time, 7 of the evaluation, the map
    for tag in svgs:
        if 'role="group"' in tag:  # the map: tests/reference/test_map.py
            continue
        ident = re.search(r'id="([^"]+)"', tag).group(1)
        assert 'role="img"' in tag
        assert f'aria-labelledby="{ident}-title {ident}-desc"' in tag
        assert f'<title id="{ident}-title">' in body and f'<desc id="{ident}-desc">' in body
        assert f'id="{ident}-table"' in body  # the numbers, as a table
    assert '<th scope="col">' in body and "<caption>" in body
    # The description reads the numbers too.
    desc = re.search(r'<desc id="chart-needs-department-desc">(.*?)</desc>', body).group(1)
    assert "80 Somme" in html.unescape(desc) and "2" in desc


def test_no_personal_data_and_nothing_hidden_on_the_page(client, stats_world):
    body = page(client)
    for text in ("Personne 1", "Caché", "En attente", "Autre programme", "Bus du dimanche",
                 "@example.org", "Métropole"):
        assert text not in body


def test_the_page_in_english(client, stats_world):
    body = page(client, "en")
    assert '<html lang="en"' in body
    assert "Statistics" in body and "Public needs per department" in body
    assert table(body, "chart-needs-theme")["Transport and mobility"] == ["2"]
    assert table(body, "chart-events-kind")["Workshop"] == ["1"]
    money = table(body, "chart-money")
    assert money["Total"] == [euros(60_000_000, "en"), euros(1_300_000, "en"),
                              euros(500_000, "en"), euros(58_700_000, "en")]
    assert "€600,000.00" in body


def test_the_year_selector(client, stats_world):
    body = page(client, query="?year=2016")
    assert re.search(r'<select id="year" name="year">\s*<option value="2016" selected>', body)
    assert '<label for="year">' in body
    assert client.get("/statistics?year=1999").status_code == 404
    assert client.get("/statistics?year=nope").status_code == 404


def test_an_empty_platform_still_has_a_page(client, db):
    body = page(client)
    assert 'role="img"' in body
    assert table(body, "chart-projects-stage")  # every stage, at zero


def test_the_body_is_kept_briefly_per_language_and_year(make_app):
    """Like the need boards: BOARD_CACHE_SECONDS, one copy per language and year."""
    from inspir_events.extensions import cache, db
    from tests.stats.conftest import _need

    app = make_app(BOARD_CACHE_SECONDS=60)
    client = app.test_client()
    before = table(page(client), "chart-needs-department")["80 Somme"]
    with app.app_context():
        db.session.add(_need("Un besoin de plus", "80", "transports"))
        db.session.commit()
    assert table(page(client), "chart-needs-department")["80 Somme"] == before == ["0"]
    english = page(client, "en")  # its own copy, computed now
    assert table(english, "chart-needs-department")["80 Somme"] == ["1"]
    with app.app_context():
        cache.clear()
    assert table(page(client), "chart-needs-department")["80 Somme"] == ["1"]
