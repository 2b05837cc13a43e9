"""A board's body is kept once rendered (needs/board_page.py): rendered once for what it
shows, and again as soon as anything it shows changes — never stale, never another page's."""

from __future__ import annotations

import contextlib

from flask import template_rendered

from inspir_events.needs import services
from tests.pages import parse


@contextlib.contextmanager
def bodies_rendered(app):
    """How many times the board's body template was rendered inside the block."""
    rendered = []

    def record(sender, template, context, **extra):
        if template.name == "needs/_board_body.html":
            rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(record, app)


def count_and_map(client, path: str = "/needs", **headers) -> tuple[str, str]:
    """The page's count of needs and its map's total."""
    page = parse(client.get(path, headers=headers).get_data(as_text=True))
    return (page.find(class_="result-count").text.strip(),
            page.find(id="needs-map-table").find("tfoot").find("td").text.strip())


def test_the_body_is_rendered_once_for_what_it_shows(app, client, make_need, citizen):
    make_need(title="Un bus le dimanche", department="80")
    with bodies_rendered(app) as rendered:
        first = count_and_map(client)
        assert count_and_map(client) == first  # the same page again: the kept body
        assert len(rendered) == 1
        assert first == ("1 besoin", "1")
        count_and_map(client, "/needs?department=80")  # other filters: its own body
        count_and_map(client, "/needs", **{"Accept-Language": "en"})  # another language
        assert len(rendered) == 3


def test_a_need_published_or_withdrawn_shows_at_once(app, client, make_need, citizen):
    kept = make_need(title="Un bus le dimanche", department="80")
    assert count_and_map(client)[0] == "1 besoin"
    make_need(title="Une navette vers la gare", department="59")
    assert count_and_map(client) == ("2 besoins", "2")
    services.withdraw(kept.author, kept.id)
    assert count_and_map(client) == ("1 besoin", "1")


def test_the_page_s_links_are_its_own(app, client, make_need, citizen):
    for number in range(25):
        make_need(title=f"Besoin numéro {number}")
    first = parse(client.get("/needs").get_data(as_text=True))
    second = parse(client.get("/needs?page=2").get_data(as_text=True))
    assert first.find("a", rel="next").get("href") == "/needs?page=2"
    assert first.find("a", rel="prev") is None
    assert second.find("a", rel="prev").get("href") == "/needs?page=1"
    assert len(second.find_all("article")) == 5 and len(first.find_all("article")) == 20
