"""The region's map (issue 20 §3): drawn on the server as SVG from the shipped outlines,
each department a named, focusable link, every text escaped, a table of the same numbers."""

from __future__ import annotations

import re

import pytest

from inspir_events.reference import svgmap
from tests.pages import parse as parse_page

AREAS = [svgmap.MapArea(code, value, code, f"/needs/territory/{code}", f"{code}: {value}")
         for code, value in (("02", 0), ("59", 12), ("60", 3), ("62", 6), ("80", 1))]


def parse(markup):
    return parse_page(str(markup))


def test_each_department_is_a_named_focusable_link_with_its_number():
    doc = parse(svgmap.region_map("m", "Besoins", "Carte des besoins", AREAS))
    svg = doc.find("svg")
    assert svg.get("role") == "group" and svg.get("aria-labelledby") == "m-title m-desc"
    assert doc.find("title", id="m-title").text == "Besoins"
    assert doc.find("desc", id="m-desc").text == "Carte des besoins"
    links = doc.find_all("a")
    assert [a.get("data-code") for a in links] == ["02", "59", "60", "62", "80"]
    for link, area in zip(links, AREAS, strict=True):
        assert link.get("href") == area.href and link.get("tabindex") == "0"
        assert link.find("title").text == area.summary  # its name, with every number
        assert link.find("path").get("d").startswith("m ")
        assert [t.text for t in link.find_all("tspan")] == [area.code, str(area.value)]


def test_the_shade_follows_the_number_and_the_text_stays_readable():
    doc = parse(svgmap.region_map("m", "t", "d", AREAS))
    fills = {a.get("data-code"): a.find("path").get("fill") for a in doc.find_all("a")}
    assert fills["02"] == svgmap.SHADES[0][0]  # nothing: the lightest
    assert fills["59"] == svgmap.SHADES[-1][0]  # the most: the darkest
    shades = [s[0] for s in svgmap.SHADES]
    assert shades.index(fills["80"]) <= shades.index(fills["60"]) < shades.index(fills["62"])
    for link in doc.find_all("a"):
        fill, ink = link.find("path").get("fill"), link.find("text").get("fill")
        assert (fill, ink) in svgmap.SHADES
    assert svgmap.shade(0, 0) == svgmap.SHADES[0]


def test_every_text_is_escaped():
    hostile = [svgmap.MapArea("59", 1, "<b>59</b>", '/x?a=1&b="2"', '<script>alert("x")</script>')]
    markup = str(svgmap.region_map('m"><script>', "<i>titre</i>", "a & b", hostile))
    assert "<script>" not in markup and "<i>" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup and "&lt;i&gt;titre&lt;/i&gt;" in markup
    assert 'href="/x?a=1&amp;b=&#34;2&#34;"' in markup
    assert 'id="m---script--title"' in markup  # the id is cleaned


def test_an_unknown_department_is_refused():
    with pytest.raises(ValueError, match="no outline"):
        svgmap.region_map("m", "t", "d", [svgmap.MapArea("75", 1, "75", "/", "Paris")])


def test_the_map_stays_in_the_region_and_loads_nothing_from_the_network():
    markup = str(svgmap.region_map("m", "t", "d", AREAS))
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", markup)
    x, y, width, height = svgmap.shapes()["view_box"]
    for shape in svgmap.shapes()["departments"].values():
        label_x, label_y = shape["label"]
        assert x < label_x < x + width and y < label_y < y + height


def page_map(body: str, map_id: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The map's accessible names per department, and its table's rows."""
    doc = parse_page(body)
    figure = doc.find("svg", aria_labelledby=f"{map_id}-title {map_id}-desc")
    names = {a.get("data-code"): a.find("title").text for a in figure.find_all("a")}
    table = doc.find("table", id=f"{map_id}-table")
    rows = {tr.find("th").text.split()[0]: [td.text for td in tr.find_all("td")]
            for tr in table.find("tbody").find_all("tr")}
    rows["total"] = [td.text for td in table.find("tfoot").find_all("td")]
    return names, rows


def test_a_map_is_drawn_once_for_what_it_shows(app, monkeypatch):
    """maps.department_map draws its SVG once per figures, names, links and language: a
    count changed, or another language, is another map, never a stale one."""
    from inspir_events.reference import maps

    drawn = []
    real = svgmap.region_map
    monkeypatch.setattr(svgmap, "region_map", lambda *args: drawn.append(args) or real(*args))
    maps._drawn.cache_clear()

    def draw(counts, language="fr"):
        with app.test_request_context(headers={"Accept-Language": language}):
            return maps.department_map("m", "Besoins", [maps.Column("Besoins", counts)],
                                       lambda code: f"/needs/territory/{code}")

    first, again = draw({"80": 2}), draw({"80": 2})
    assert len(drawn) == 1 and first.svg == again.svg
    changed = draw({"80": 3})
    assert len(drawn) == 2 and "80 Somme : Besoins 3" in changed.svg
    assert "Besoins 2" in first.svg and "Besoins 3" not in first.svg
    english = draw({"80": 3}, "en")
    assert len(drawn) == 3 and "80 Somme: Besoins 3" in english.svg
    maps._drawn.cache_clear()
