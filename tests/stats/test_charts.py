"""The SVG chart builders, without an app: proportions, escaping, accessibility, zeros."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from inspir_events.stats import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def bar_widths(root) -> list[float]:
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")
            if rect.get("data-value") is not None]


def bars(*pairs):
    return [charts.Bar(label, value, str(value)) for label, value in pairs]


def test_bars_are_proportional_to_their_values():
    root = parse(charts.bar_chart("c", "Needs", "Needs per department",
                                  bars(("02", 10), ("59", 5), ("60", 2))))
    widths = bar_widths(root)
    assert len(widths) == 3
    assert widths[0] == pytest.approx(charts.WIDTH - 2 * charts.PAD - charts.VALUE_ROOM)
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.01)
    assert widths[2] == pytest.approx(widths[0] / 5, abs=0.01)
    values = [int(r.get("data-value")) for r in root.iter(f"{SVG}rect") if r.get("data-value")]
    assert values == [10, 5, 2]


def test_the_chart_is_an_image_named_by_its_title_and_description():
    markup = str(charts.bar_chart("needs by/dept", "Besoins", "Par département : 02, 3.",
                                  bars(("02", 3))))
    root = parse(markup)
    assert root.get("role") == "img"
    ident = root.get("id")
    assert ident == "needs-by-dept"
    assert root.get("aria-labelledby") == f"{ident}-title {ident}-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.get("id") == f"{ident}-title" and title.text == "Besoins"
    assert desc.get("id") == f"{ident}-desc" and desc.text == "Par département : 02, 3."
    # It scales: a viewBox, no fixed width or height; colours without style attributes
    # (the CSP refuses inline styles).
    assert re.fullmatch(r"0 0 640 \d+(\.\d+)?", root.get("viewBox"))
    assert root.get("width") is None and root.get("height") is None
    assert "style=" not in markup


def test_labels_values_title_and_description_are_escaped():
    markup = str(charts.bar_chart(
        "x", "<b>t</b>", 'd "quoted" & <i>', [charts.Bar("<script>alert(1)</script>", 1,
                                                       "<img src=x>")]))
    assert "<script>" not in markup and "<img" not in markup and "<b>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&lt;img src=x&gt;" in markup
    root = parse(markup)  # still well-formed XML
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<script>alert(1)</script>" in texts


def test_progress_chart_labels_are_escaped_too():
    markup = str(charts.progress_chart("p", "Money", "desc", [charts.Progress(
        "<script>", 100, "1,00 €", (charts.Part("<x>", 10, "0,10 €", charts.BAR),))]))
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "&lt;x&gt;" in markup
    parse(markup)


def test_zero_values_draw_no_bar_but_keep_their_row():
    root = parse(charts.bar_chart("z", "T", "D", bars(("a", 0), ("b", 0))))
    assert bar_widths(root) == []
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["a", "0", "b", "0"]
    assert len(list(root.iter(f"{SVG}line"))) == 2  # an axis mark per row


def test_no_data_at_all_shows_the_empty_text():
    root = parse(charts.bar_chart("e", "T", "D", [], empty_text="Pas encore de données."))
    assert [t.text for t in root.iter(f"{SVG}text")] == ["Pas encore de données."]
    assert root.find(f"{SVG}title").text == "T"
    root = parse(charts.progress_chart("e2", "T", "D", [], empty_text="Rien"))
    assert [t.text for t in root.iter(f"{SVG}text")] == ["Rien"]


def test_scale_is_safe_with_zero_and_negative_inputs():
    assert charts.scale(0, 0, 100) == 0
    assert charts.scale(5, 0, 100) == 0
    assert charts.scale(-3, 10, 100) == 0
    assert charts.scale(20, 10, 100) == 100  # never past the plot
    assert charts.scale(1, 3, 90) == pytest.approx(30)


def test_progress_parts_are_stacked_and_clipped_to_the_total():
    plot = charts.WIDTH - 2 * charts.PAD - charts.VALUE_ROOM
    root = parse(charts.progress_chart("m", "Money", "D", [charts.Progress(
        "Picardie", 1000, "10,00 €", (charts.Part("Granted", 250, "2,50 €", charts.BAR),
                                      charts.Part("Committed", 900, "9,00 €",
                                                  charts.COMMITTED)))]))
    drawn = [r for r in root.iter(f"{SVG}rect") if r.get("data-value")]
    assert [float(r.get("width")) for r in drawn] == pytest.approx([plot / 4, plot * 3 / 4])
    assert float(drawn[1].get("x")) == pytest.approx(charts.PAD + plot / 4)
    # The legend names each colour in words, and each value is written out.
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Granted" in texts and "Committed" in texts
    assert "Granted 2,50 € · Committed 9,00 €" in texts


def test_an_empty_id_is_refused():
    with pytest.raises(ValueError):
        charts.bar_chart("", "T", "D", [])


def test_the_module_is_pure():
    source = Path(sys.modules["inspir_events.stats.charts"].__file__).read_text("utf-8")
    assert "import flask" not in source and "from flask" not in source
    assert "sqlalchemy" not in source


def test_funnel_steps_are_centred_and_proportional_to_the_first():
    plot = charts.WIDTH - 2 * charts.PAD - charts.VALUE_ROOM
    root = parse(charts.funnel_chart("f", "Funnel", "D", [
        charts.Bar("Needs", 4, "4 (100 %)"), charts.Bar("Events", 2, "2 (50 %)"),
        charts.Bar("Ideas", 1, "1 (25 %)"), charts.Bar("Projects", 0, "0 (0 %)")]))
    drawn = [r for r in root.iter(f"{SVG}rect") if r.get("data-value")]
    assert [float(r.get("width")) for r in drawn] == pytest.approx([plot, plot / 2, plot / 4])
    for rect in drawn:  # centred on the plot
        middle = float(rect.get("x")) + float(rect.get("width")) / 2
        assert middle == pytest.approx(charts.PAD + plot / 2)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Needs", "4 (100 %)", "Events", "2 (50 %)", "Ideas", "1 (25 %)",
                     "Projects", "0 (0 %)"]  # zero: no bar, its value still written


def test_an_empty_funnel_keeps_its_values():
    root = parse(charts.funnel_chart("f0", "T", "D", [charts.Bar("<Needs>", 0, "0")]))
    assert [r for r in root.iter(f"{SVG}rect") if r.get("data-value")] == []
    assert [t.text for t in root.iter(f"{SVG}text")] == ["<Needs>", "0"]
    assert "&lt;Needs&gt;" in str(charts.funnel_chart("f1", "T", "D", [
        charts.Bar("<Needs>", 0, "0")]))


def test_grouped_bars_share_one_scale_and_name_each_series_in_words():
    plot = charts.WIDTH - 2 * charts.PAD - charts.VALUE_ROOM - 60
    root = parse(charts.grouped_bar_chart("g", "Labels", "D", ("Asked", "Granted"), [
        charts.Group("Events", (charts.Bar("Asked", 4, "4"), charts.Bar("Granted", 2, "2"))),
        charts.Group("Projects", (charts.Bar("Asked", 1, "1"), charts.Bar("Granted", 0, "0"))),
    ]))
    drawn = [r for r in root.iter(f"{SVG}rect") if r.get("data-value")]
    assert [float(r.get("width")) for r in drawn] == pytest.approx([plot, plot / 2, plot / 4])
    assert [r.get("fill") for r in drawn] == [charts.BAR, charts.COMMITTED, charts.BAR]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:2] == ["Asked", "Granted"]  # the legend
    assert texts[2:] == ["Events", "Asked 4", "Granted 2", "Projects", "Asked 1",
                         "Granted 0"]
    with pytest.raises(ValueError):
        charts.grouped_bar_chart("g4", "T", "D", ("a", "b", "c", "d"), [])
