"""The filters' options of the reference lists, built once per process and language
(inspir_events/reference/options.py)."""

from __future__ import annotations

import re

from inspir_events.reference import services
from inspir_events.reference.options import options


def _selected(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', html)


def test_options_list_every_row_in_the_page_language_the_chosen_one_marked(app, db):
    with app.test_request_context("/"):
        departments = str(options("departments", "80"))
        themes = str(options("themes"))
        epcis = str(options("epcis", services.epcis()[0].siren))
        assert departments.count("<option") == len(services.departments())
        assert _selected(departments) == ["80"]
        somme = next(d for d in services.departments() if d.code == "80")
        assert f'<option value="80" selected>{somme.name_for("fr")}</option>' in departments
        assert _selected(themes) == []
        assert themes.count("<option") == len(services.themes())
        assert _selected(epcis) == [services.epcis()[0].siren]
        assert epcis.count(' translate="no"') == len(services.epcis())
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        theme = services.themes()[0]
        assert f">{theme.name_for('en')}</option>" in str(options("themes"))


def test_an_unknown_or_hostile_choice_marks_nothing_and_is_not_echoed(app, db):
    with app.test_request_context("/"):
        for chosen in ("99", '80" onfocus="x', "<script>", "8"):
            html = str(options("departments", chosen))
            assert _selected(html) == []
            assert "onfocus" not in html and "<script>" not in html


def test_the_options_are_read_once(app, db, statements_run):
    with app.test_request_context("/"):
        options("departments")  # built (their rows read) once
        options("epcis")
        with statements_run() as statements:
            for chosen in ("", "80", "59"):
                options("departments", chosen)
                options("epcis", chosen)
    assert statements == []


def test_a_board_marks_the_filters_chosen(client):
    html = client.get("/needs?department=59&theme=" + "x").text
    department_select = html[html.index('id="department"'):]
    department_select = department_select[:department_select.index("</select>")]
    assert _selected(department_select) == ["59"]
