"""Every CSV download (inspir_events/opendata.py): every field quoted, formula starts
neutralised wherever a spreadsheet may split a cell, a Markdown list kept as written, and
the French spreadsheet flavour (UTF-8 with BOM, ";", decimal comma)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from inspir_events.opendata import EXCEL_FR, csv_cell, csv_lines


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"https://evil.example\",\"clic\")", "'=HYPERLINK(\"https://evil.example\",\"clic\")"),
    ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t'=1+1"),  # the tab may be stripped, or split on
    ("\r=1+1", "'\r'=1+1"),
    ("=", "'="),
    ("\uff1dSUM(1)", "'\uff1dSUM(1)"),  # a full-width equals sign
    ("-1", "'-1"),  # a string; the number -1 stays a number
])
def test_cells_starting_like_a_formula_are_neutralised(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize(("value", "cell"), [
    # The review's finding: a French spreadsheet splits on ";" and reads =1+1 as a cell.
    ("Karim;=1+1;@SUM(1+1)", "Karim;'=1+1;'@SUM(1+1)"),
    ("Karim,=1+1", "Karim,'=1+1"),
    ("Karim; =1+1", "Karim; '=1+1"),  # spaces a spreadsheet may trim
    ("Karim\t@x", "Karim\t'@x"),
    ("Une ligne\n=HYPERLINK(\"http://evil.example\")", "Une ligne\n'=HYPERLINK(\"http://evil.example\")"),
    ("Une ligne\r\n+cmd|' /C calc'!A0", "Une ligne\r\n'+cmd|' /C calc'!A0"),
])
def test_every_piece_a_spreadsheet_may_split_off_is_neutralised(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize(("value", "cell"), [
    ("- Abbeville\n- Amiens", "- Abbeville\n- Amiens"),
    ("Les villages :\n- Abbeville\n- Amiens", "Les villages :\n- Abbeville\n- Amiens"),
    ("- Un bus le dimanche, - 2 trajets", "- Un bus le dimanche, - 2 trajets"),
])
def test_a_markdown_list_stays_as_written(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize(("value", "cell"), [
    # With a parenthesis or a pipe a formula could call something: every item is neutralised.
    ("- Abbeville\n- HYPERLINK(\"http://evil.example\")",
     "'- Abbeville\n'- HYPERLINK(\"http://evil.example\")"),
    ("- a\n- cmd|' /C calc'!A0", "'- a\n'- cmd|' /C calc'!A0"),
    ("-- pas une liste", "'-- pas une liste"),
])
def test_a_list_that_could_call_something_is_neutralised(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize(("value", "cell"), [
    ("Un bus le dimanche", "Un bus le dimanche"),
    ("Santé = priorité", "Santé = priorité"),  # not at a piece's start
    ("a-b", "a-b"),
    ("", ""),
    (None, ""),
    (42, "42"),
    (0, "0"),
    (-3, "-3"),  # numbers stay numbers
    (Decimal("-12.50"), "-12.50"),
])
def test_other_cells_are_unchanged(value, cell):
    assert csv_cell(value) == cell


def read(lines, delimiter=",") -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter))


def test_every_field_is_quoted_header_first_crlf():
    lines = list(csv_lines(("id", "title"), [(1, "Vélo"), (2, "Crèche")]))
    assert lines == ['"id","title"\r\n', '"1","Vélo"\r\n', '"2","Crèche"\r\n']


def test_csv_lines_quote_commas_quotes_and_newlines():
    title = 'Un "bus", le dimanche\net les jours fériés'
    rows = read(csv_lines(("id", "title"), [(1, title)]))
    assert rows == [["id", "title"], ["1", title]]


def test_csv_lines_neutralise_formulas_in_every_row():
    rows = read(csv_lines(("a", "b"), [("=1+1", "@x"), ("ok", "-1")]))
    assert rows[1:] == [["'=1+1", "'@x"], ["ok", "'-1"]]


def test_csv_lines_stream_one_row_at_a_time():
    lines = csv_lines(("a",), iter([("x",), ("y",)]))
    assert next(lines) == '"a"\r\n'
    assert next(lines) == '"x"\r\n'


def test_the_french_flavour_uses_semicolons_and_decimal_commas():
    lines = list(csv_lines(("montant", "taux", "nom", "annee"),
                           [("12500.00", 0.5, "Karim;=1+1", 2016)], EXCEL_FR))
    assert lines == ['"montant";"taux";"nom";"annee"\r\n',
                     '"12500,00";"0,5";"Karim;\'=1+1";"2016"\r\n']
    assert read(lines, ";")[1] == ["12500,00", "0,5", "Karim;'=1+1", "2016"]
    # Only a string that is exactly a decimal number changes: not a version in a title.
    assert csv_cell("Version 2.0", EXCEL_FR) == "Version 2.0"
