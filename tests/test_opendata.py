"""Open-data CSV: UTF-8, comma-separated, safe from spreadsheet formula injection."""

from __future__ import annotations

import csv
import io

import pytest

from inspir_events.opendata import csv_cell, csv_lines


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"https://evil.example\",\"clic\")", "'=HYPERLINK(\"https://evil.example\",\"clic\")"),
    ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("=", "'="),
])
def test_cells_starting_like_a_formula_are_escaped(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize(("value", "cell"), [
    ("Un bus le dimanche", "Un bus le dimanche"),
    ("Santé = priorité", "Santé = priorité"),  # not at the start
    ("a-b", "a-b"),
    ("", ""),
    (None, ""),
    (42, "42"),
    (0, "0"),
])
def test_other_cells_are_unchanged(value, cell):
    assert csv_cell(value) == cell


def read(lines) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(lines), newline="")))


def test_csv_lines_header_first_comma_separated_crlf():
    lines = list(csv_lines(("id", "title"), [(1, "Vélo"), (2, "Crèche")]))
    assert lines == ["id,title\r\n", "1,Vélo\r\n", "2,Crèche\r\n"]


def test_csv_lines_quote_commas_quotes_and_newlines():
    title = 'Un "bus", le dimanche\net les jours fériés'
    rows = read(csv_lines(("id", "title"), [(1, title)]))
    assert rows == [["id", "title"], ["1", title]]


def test_csv_lines_escape_formulas_in_every_row():
    rows = read(csv_lines(("a", "b"), [("=1+1", "@x"), ("ok", "-1")]))
    assert rows[1:] == [["'=1+1", "'@x"], ["ok", "'-1"]]


def test_csv_lines_stream_one_row_at_a_time():
    lines = csv_lines(("a",), iter([("x",), ("y",)]))
    assert next(lines) == "a\r\n"
    assert next(lines) == "x\r\n"
