"""The store's catalogue is kept once rendered (store/catalogue_page.py): rendered once for
what it shows, and again as soon as anything it shows changes — never stale."""

from __future__ import annotations

from inspir_events.aid.projects.stages import Stage
from inspir_events.store import catalogue_page
from tests.pages import parse


def shown(client, path: str = "/store", **headers):
    """The catalogue's count, its licences and years offered, and its cards' titles."""
    page = parse(client.get(path, headers=headers).get_data(as_text=True))
    return (page.find(class_="result-count").text.strip(),
            [o.text.strip() for o in page.find(id="licence").find_all("option")][1:],
            [o.text.strip() for o in page.find(id="year").find_all("option")][1:],
            [h.text.strip() for h in page.find_all("h2")])


def test_the_catalogue_is_rendered_once_for_what_it_shows(client, make_project,
                                                         monkeypatch):
    make_project("Navette solidaire")
    first = shown(client)
    rendered = []
    real = catalogue_page.render_template
    monkeypatch.setattr(catalogue_page, "render_template",
                        lambda *args, **kwargs: rendered.append(1) or real(*args, **kwargs))
    assert shown(client) == first and rendered == []
    assert shown(client, "/store?licence=MIT")[0] == first[0] and len(rendered) == 1
    english = shown(client, **{"Accept-Language": "en"})
    assert english[0] == "1 project" and len(rendered) == 2


def test_a_project_entering_or_leaving_the_store_shows_at_once(client, db, make_project):
    from datetime import datetime

    first = make_project("Navette solidaire", licence="MIT", reached=datetime(2023, 5, 1))
    assert shown(client) == ("1 projet", ["MIT License"], ["2023"], ["Navette solidaire"])
    make_project("Jardin partagé", licence="CC-BY-4.0", reached=datetime(2024, 5, 1))
    count, licences, years, titles = shown(client)
    assert (count, sorted(licences), years) == (
        "2 projets", ["Creative Commons Attribution 4.0", "MIT License"], ["2024", "2023"])
    assert set(titles) == {"Navette solidaire", "Jardin partagé"}
    first.stage = Stage.PROJET  # back out of the store
    db.session.commit()
    assert shown(client)[0] == "1 projet"


def test_the_catalogue_reads_without_the_orm(app, client, make_project, make_user, login):
    """The catalogue's page (its projects, labels, comments, total and choices in one
    statement of columns) runs without the ORM's work on it and its rows
    (``database.page_rows``); its choices' JSON is decoded once."""
    from sqlalchemy import event

    from inspir_events.extensions import db

    for number in range(3):
        make_project(f"Projet {number}", licence=("MIT", "CC-BY-4.0")[number % 2])
    login(make_user())
    expected = shown(client)
    orm_executions = []

    def seen(state):
        orm_executions.append(str(state.statement)[:80])

    event.listen(db.session, "do_orm_execute", seen)
    try:
        assert shown(client) == expected
        assert shown(client, "/store?licence=MIT")[0] == "2 projets"
    finally:
        event.remove(db.session, "do_orm_execute", seen)
    assert orm_executions == []
    assert sorted(expected[1]) == ["Creative Commons Attribution 4.0", "MIT License"]


def test_the_store_s_names_are_made_once_per_language(app):
    """The territories' and themes' names of the store's pages are made once per application
    and language (they were made for each page), each language its own."""
    from inspir_events.store.routes import reference_names

    seen = {}
    for language in ("fr", "en", "fr", "en"):
        with app.test_request_context("/store", headers={"Accept-Language": language}):
            names = reference_names()
            assert names is seen.setdefault(language, names)
    assert seen["fr"]["theme_names"]["sante"] != seen["en"]["theme_names"]["sante"]
    assert seen["fr"]["department_names"]["80"] == "Somme"
