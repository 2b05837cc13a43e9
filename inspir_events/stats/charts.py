"""Accessible SVG charts drawn on the server, from plain values (no Flask, no SQLAlchemy).

The issue asks for charts "drawn server-side as accessible SVG ... no external library".
Each builder returns the markup of one ``<svg>``:

- ``role="img"`` with ``aria-labelledby`` pointing at its ``<title>`` and ``<desc>``
  (the caller's words: the chart's name and a sentence with its numbers), so a screen
  reader announces it as one image; the page also prints the same numbers in a table;
- sizes in ``viewBox`` units only (``width="100%"`` in CSS), so it scales with the page;
- colours as presentation attributes (the CSP forbids ``style=`` attributes), chosen
  for contrast on white: text #1b1f24 (16:1), bars #0b4f6c (9:1), the "committed"
  part #b45309 (5:1), parts parted by a white line; the empty part of a progress bar is
  outlined in #4a5563 (7.6:1);
- every piece of text (labels, values, title, description) escaped: a label
  ``<script>`` comes out as ``&lt;script&gt;``;
- never colour alone: each bar is followed by its value in text, and the stacked bar's
  legend names each part.

Values are integers (counts or cents); the caller formats them for display
(``display``) in the page's language, since this module knows no locale.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640  # viewBox width
LABEL_SIZE = 14  # font size of labels and values, in viewBox units
BAR_HEIGHT = 18
ROW_HEIGHT = 46  # label line + bar + gap
VALUE_ROOM = 130  # room kept right of the longest bar for its value
PAD = 8

INK = "#1b1f24"
BAR = "#0b4f6c"
COMMITTED = "#b45309"
OUTLINE = "#4a5563"
TRACK = "#ffffff"

_ID_RE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, and that value written for the reader."""

    label: str
    value: int
    display: str


@dataclass(frozen=True)
class Part:
    """One part of a stacked bar (its value and how it is written), named in the legend."""

    name: str
    value: int
    display: str
    colour: str


@dataclass(frozen=True)
class Progress:
    """A stacked bar: ``parts`` laid end to end on a track as long as ``total``."""

    label: str
    total: int
    display: str
    parts: tuple[Part, ...]


def _id(chart_id: str) -> str:
    cleaned = _ID_RE.sub("-", chart_id)
    if not cleaned:
        raise ValueError("a chart needs an id")
    return cleaned


def _number(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros ("12.5", "0")."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _open(chart_id: str, height: float, title: str, description: str) -> list[str]:
    ident = _id(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {_number(height)}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" id="{ident}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]


def _text(x: float, y: float, content: str, *, anchor: str = "start",
          weight: str | None = None) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_number(x)}" y="{_number(y)}" font-size="{LABEL_SIZE}" '
            f'fill="{INK}" text-anchor="{anchor}"{bold}>{escape(content)}</text>')


def scale(value: int, largest: int, length: float) -> float:
    """The length of a bar for ``value`` when ``largest`` fills ``length`` (0 if nothing)."""
    if largest <= 0 or value <= 0:
        return 0.0
    return length * min(value, largest) / largest


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar],
              *, empty_text: str = "") -> Markup:
    """Horizontal bars, one per row: the label above, the bar, then its value.

    Bars are proportional to their values (the largest fills the plot); a zero
    value draws no bar but still shows its label and "0". With no bars at all
    the chart shows ``empty_text``.
    """
    plot = WIDTH - 2 * PAD - VALUE_ROOM
    largest = max((bar.value for bar in bars), default=0)
    height = max(len(bars), 1) * ROW_HEIGHT + PAD
    parts = _open(chart_id, height, title, description)
    if not bars:
        parts.append(_text(PAD, PAD + LABEL_SIZE + 8, empty_text))
    for index, bar in enumerate(bars):
        top = PAD + index * ROW_HEIGHT
        length = scale(bar.value, largest, plot)
        bar_y = top + LABEL_SIZE + 6
        parts.append('<g class="chart-row">')
        parts.append(_text(PAD, top + LABEL_SIZE, bar.label))
        # A hairline axis so a zero row still reads as a row of the chart.
        parts.append(f'<line x1="{PAD}" x2="{PAD}" y1="{_number(bar_y - 2)}" '
                     f'y2="{_number(bar_y + BAR_HEIGHT + 2)}" stroke="{OUTLINE}" '
                     f'stroke-width="1"/>')
        if length > 0:
            parts.append(f'<rect x="{PAD}" y="{_number(bar_y)}" width="{_number(length)}" '
                         f'height="{BAR_HEIGHT}" fill="{BAR}" data-value="{int(bar.value)}"/>')
        parts.append(_text(PAD + length + 6, bar_y + BAR_HEIGHT - 4, bar.display,
                           weight="bold"))
        parts.append("</g>")
    parts.append("</svg>")
    svg = "".join(parts)
    return Markup(svg)  # noqa: S704  # nosec B704 # every text part went through escape


def progress_chart(chart_id: str, title: str, description: str, rows: Sequence[Progress],
                   *, empty_text: str = "") -> Markup:
    """Stacked bars on an outlined track: one row per total (an envelope, say).

    Every track has the same length (each row is its own 100 %), and its parts are
    laid from the left in order; parts that would pass the total are clipped to it.
    A legend at the top names each part's colour; the values are written after
    each track.
    """
    plot = WIDTH - 2 * PAD - VALUE_ROOM
    legend = rows[0].parts if rows else ()
    legend_height = (LABEL_SIZE + 14) if legend else 0
    height = legend_height + max(len(rows), 1) * (ROW_HEIGHT + LABEL_SIZE + 4) + PAD
    parts = _open(chart_id, height, title, description)
    if legend:
        x = PAD
        parts.append('<g class="chart-legend">')
        for part in legend:
            parts.append(f'<rect x="{_number(x)}" y="{PAD}" width="{LABEL_SIZE}" '
                         f'height="{LABEL_SIZE}" fill="{escape(part.colour)}" '
                         f'stroke="{OUTLINE}" stroke-width="1"/>')
            parts.append(_text(x + LABEL_SIZE + 6, PAD + LABEL_SIZE - 2, part.name))
            x += LABEL_SIZE + 18 + 8 * len(part.name)
        parts.append("</g>")
    if not rows:
        parts.append(_text(PAD, PAD + LABEL_SIZE + 8, empty_text))
    for index, row in enumerate(rows):
        top = PAD + legend_height + index * (ROW_HEIGHT + LABEL_SIZE + 4)
        bar_y = top + LABEL_SIZE + 6
        parts.append('<g class="chart-row">')
        parts.append(_text(PAD, top + LABEL_SIZE, row.label))
        parts.append(f'<rect x="{PAD}" y="{_number(bar_y)}" width="{_number(plot)}" '
                     f'height="{BAR_HEIGHT}" fill="{TRACK}" stroke="{OUTLINE}" '
                     f'stroke-width="1"/>')
        x, used = float(PAD), 0
        for part in row.parts:
            value = max(0, min(part.value, row.total - used))
            length = scale(value, row.total, plot)
            used += value
            if length > 0:
                parts.append(f'<rect x="{_number(x)}" y="{_number(bar_y)}" '
                             f'width="{_number(length)}" height="{BAR_HEIGHT}" '
                             f'fill="{escape(part.colour)}" stroke="{TRACK}" stroke-width="1" '
                             f'data-value="{int(part.value)}"/>')
            x += length
        parts.append(_text(PAD + plot + 6, bar_y + BAR_HEIGHT - 4, row.display, weight="bold"))
        values = " · ".join(f"{part.name} {part.display}" for part in row.parts)
        parts.append(_text(PAD, bar_y + BAR_HEIGHT + LABEL_SIZE + 2, values))
        parts.append("</g>")
    parts.append("</svg>")
    svg = "".join(parts)
    return Markup(svg)  # noqa: S704  # nosec B704 # every text part went through escape


# A third colour for grouped bars: purple #6b21a8 (9.6:1 on white).
THIRD = "#6b21a8"
SERIES_COLOURS = (BAR, COMMITTED, THIRD)


@dataclass(frozen=True)
class Group:
    """One row of a grouped chart: its label, and one bar per series (in the series' order)."""

    label: str
    bars: tuple[Bar, ...]


def funnel_chart(chart_id: str, title: str, description: str, steps: Sequence[Bar],
                 *, empty_text: str = "") -> Markup:
    """A funnel: one centred bar per step, as wide as its share of the first step.

    Each step's label is written above its bar and its value (``display``, e.g. "3 (75 %)")
    after the plot, so nothing is told by the shape alone. With a first step of zero the
    bars are all empty and the values still written; with no steps, ``empty_text``.
    """
    plot = WIDTH - 2 * PAD - VALUE_ROOM
    first = steps[0].value if steps else 0
    height = max(len(steps), 1) * ROW_HEIGHT + PAD
    parts = _open(chart_id, height, title, description)
    if not steps:
        parts.append(_text(PAD, PAD + LABEL_SIZE + 8, empty_text))
    for index, step in enumerate(steps):
        top = PAD + index * ROW_HEIGHT
        length = scale(step.value, first, plot)
        bar_y = top + LABEL_SIZE + 6
        parts.append('<g class="chart-row">')
        parts.append(_text(PAD, top + LABEL_SIZE, step.label))
        parts.append(f'<rect x="{PAD}" y="{_number(bar_y)}" width="{_number(plot)}" '
                     f'height="{BAR_HEIGHT}" fill="{TRACK}" stroke="{OUTLINE}" '
                     f'stroke-width="1"/>')
        if length > 0:
            parts.append(f'<rect x="{_number(PAD + (plot - length) / 2)}" '
                         f'y="{_number(bar_y)}" width="{_number(length)}" '
                         f'height="{BAR_HEIGHT}" fill="{BAR}" data-value="{int(step.value)}"/>')
        parts.append(_text(PAD + plot + 6, bar_y + BAR_HEIGHT - 4, step.display,
                           weight="bold"))
        parts.append("</g>")
    parts.append("</svg>")
    svg = "".join(parts)
    return Markup(svg)  # noqa: S704  # nosec B704 # every text part went through escape


def grouped_bar_chart(chart_id: str, title: str, description: str, series: Sequence[str],
                      groups: Sequence[Group], *, empty_text: str = "") -> Markup:
    """Bars side by side per group (asked, granted, refused per kind of subject, say).

    Every bar of every group is on one scale (the largest value fills the plot). A legend
    names each series' colour, and each bar is followed by its series' name and value,
    so the colour is never the only clue.
    """
    if len(series) > len(SERIES_COLOURS):
        raise ValueError("at most three series")
    plot = WIDTH - 2 * PAD - VALUE_ROOM - 60
    largest = max((bar.value for group in groups for bar in group.bars), default=0)
    bar_row = BAR_HEIGHT + 6
    group_height = LABEL_SIZE + 8 + len(series) * bar_row + 10
    legend_height = LABEL_SIZE + 14
    height = legend_height + max(len(groups), 1) * group_height + PAD
    parts = _open(chart_id, height, title, description)
    x = PAD
    parts.append('<g class="chart-legend">')
    for name, colour in zip(series, SERIES_COLOURS, strict=False):
        parts.append(f'<rect x="{_number(x)}" y="{PAD}" width="{LABEL_SIZE}" '
                     f'height="{LABEL_SIZE}" fill="{colour}" stroke="{OUTLINE}" '
                     f'stroke-width="1"/>')
        parts.append(_text(x + LABEL_SIZE + 6, PAD + LABEL_SIZE - 2, name))
        x += LABEL_SIZE + 18 + 8 * len(name)
    parts.append("</g>")
    if not groups:
        parts.append(_text(PAD, legend_height + PAD + LABEL_SIZE + 8, empty_text))
    for index, group in enumerate(groups):
        top = legend_height + PAD + index * group_height
        parts.append('<g class="chart-row">')
        parts.append(_text(PAD, top + LABEL_SIZE, group.label, weight="bold"))
        for position, (bar, name, colour) in enumerate(zip(group.bars, series,
                                                           SERIES_COLOURS, strict=False)):
            bar_y = top + LABEL_SIZE + 8 + position * bar_row
            length = scale(bar.value, largest, plot)
            parts.append(f'<line x1="{PAD}" x2="{PAD}" y1="{_number(bar_y - 2)}" '
                         f'y2="{_number(bar_y + BAR_HEIGHT + 2)}" stroke="{OUTLINE}" '
                         f'stroke-width="1"/>')
            if length > 0:
                parts.append(f'<rect x="{PAD}" y="{_number(bar_y)}" '
                             f'width="{_number(length)}" height="{BAR_HEIGHT}" '
                             f'fill="{colour}" data-value="{int(bar.value)}"/>')
            parts.append(_text(PAD + length + 6, bar_y + BAR_HEIGHT - 4,
                               f"{name} {bar.display}"))
        parts.append("</g>")
    parts.append("</svg>")
    svg = "".join(parts)
    return Markup(svg)  # noqa: S704  # nosec B704 # every text part went through escape
