"""The programme's evaluation on /statistics: each chart followed by its table, per year."""

from __future__ import annotations

import html
import re

from tests.stats.test_routes import euros, page, table

EVALUATION_CHARTS = ("chart-eval-labels", "chart-eval-cofunding", "chart-eval-funnel",
                     "chart-eval-outcomes", "chart-eval-oriented", "chart-eval-teams",
                     "chart-eval-aid")


def test_each_chart_of_the_evaluation_is_followed_by_its_table(client, evaluation_world):
    body = page(client, query="?year=2026")
    # Charts and tables in the page's order: each chart's next one is its own table.
    order = [(m.group(1), m.group(2)) for m in re.finditer(
        r'<(svg|table) [^>]*?id="([^"]+)"', body)]
    for chart_id in EVALUATION_CHARTS:
        at = order.index(("svg", chart_id))
        assert order[at + 1] == ("table", f"{chart_id}-table")
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in body


def test_the_figures_of_2026_in_french(client, evaluation_world):
    body = page(client, query="?year=2026")
    assert "Évaluation du programme, exercice 2026" in html.unescape(body)
    assert table(body, "chart-eval-labels")["Événements"] == ["2", "1", "1"]
    cofunding = table(body, "chart-eval-cofunding")
    assert list(cofunding.values()) == [["3", euros(1_700_000, "fr")],
                                        ["1", euros(900_000, "fr")],
                                        ["1", euros(500_000, "fr")]]
    funnel = table(body, "chart-eval-funnel")
    assert [cells[0] for cells in funnel.values()] == ["4", "2", "3", "2"]
    assert list(funnel.values())[1][1] == "50\xa0%"
    outcomes = table(body, "chart-eval-outcomes")
    assert list(outcomes.values()) == [["1"], ["1"], ["2"]]  # diffused, stopped, total
    oriented = table(body, "chart-eval-oriented")
    assert oriented["Innovation sociale"] == ["1"] and oriented["Total"] == ["2"]
    teams = table(body, "chart-eval-teams")
    assert list(teams.values()) == [["3", "1", "33\xa0%"], ["2", "1", "50\xa0%"]]
    aid = table(body, "chart-eval-aid")
    assert aid["59 Nord"] == ["1", euros(900_000, "fr")]
    assert aid["80 Somme"] == ["1", euros(400_000, "fr")]
    assert aid["Total"] == ["2", euros(1_300_000, "fr")]
    reproductions = re.search(r'aria-label="Reproductions">(.*?)</dl>', body, re.S).group(1)
    assert re.findall(r"<dd>(.*?)</dd>", reproductions) == ["2", "1"]


def test_another_year_shows_its_own_figures_in_english(client, evaluation_world):
    body = page(client, "en", "?year=2025")
    assert "The programme's evaluation, budget year 2025" in html.unescape(body)
    assert table(body, "chart-eval-labels")["Events"] == ["1", "1", "0"]
    assert [c[0] for c in table(body, "chart-eval-funnel").values()] == ["1", "1", "1", "1"]
    assert table(body, "chart-eval-aid")["62 Pas-de-Calais"] == ["1", euros(300_000, "en")]
    assert table(body, "chart-eval-teams")["Team members"] == ["1", "1", "100%"]


def test_no_names_on_the_evaluation(client, evaluation_world):
    body = page(client, query="?year=2026")
    for text in ("Membre 1", "Besoin 1", "Diffusé 2026", "Hackathon 2026", "Association"):
        assert text not in body


def test_the_profile_says_the_user_citizen_role_is_counted(client, make_user, login):
    """The share of inhabitants and future users reads the profile's « Usager, citoyen »
    skill: the profile tells people that it is counted, without their name."""
    login(make_user())
    body = html.unescape(client.get("/profile").get_data(as_text=True))
    assert "L'évaluation publique du programme compte, sans aucun nom" in body
