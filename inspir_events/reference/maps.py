"""The region's map as the pages show it: the SVG (svgmap.py) and the table that follows it.

A page gives its figures per department (needs, events, projects: one column each) and
where each department leads; this module names each department and writes the sentence a
screen reader reads for it, in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext as _
from markupsafe import Markup

from inspir_events.i18n import current_language
from inspir_events.reference import services, svgmap

MAPS_KEPT = 256  # about 8 KB each


@dataclass(frozen=True)
class Column:
    """One figure per department: its heading and the counts (a department missing: 0)."""

    heading: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    href: str
    figures: tuple[int, ...]


@dataclass(frozen=True)
class RegionMap:
    """What templates/territories/_map.html draws: the map, then the same numbers."""

    map_id: str
    title: str
    svg: Markup
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(row.figures[i] for row in self.rows) for i in range(len(self.columns)))


def department_map(map_id: str, title: str, columns: Sequence[Column],
                   href: Callable[[str], str], departments=None) -> RegionMap:
    """The map of `columns` per department; the first column shades the departments
    (`departments`: the reference rows when the page has them already)."""
    rows = tuple(Row(d.code, d.name, href(d.code),
                     tuple(column.counts.get(d.code, 0) for column in columns))
                 for d in (departments if departments is not None else services.departments()))
    svg = _drawn(map_id, str(title), tuple(str(column.heading) for column in columns), rows,
                 current_language())
    return RegionMap(map_id, title, svg, tuple(columns), rows)


@lru_cache(maxsize=MAPS_KEPT)
def _drawn(map_id: str, title: str, headings: tuple[str, ...], rows: tuple[Row, ...],
           language: str) -> Markup:
    """The map's SVG, drawn once for what it shows (its figures, names, links and texts in
    ``language``, the request's, in which it is drawn): the board's map, the same until a
    need is published or withdrawn, was drawn again for every page (a twentieth of it)."""
    areas = [svgmap.MapArea(
        code=row.code, value=row.figures[0], label=row.code, href=row.href,
        summary=_("%(code)s %(department)s: %(figures)s", code=row.code, department=row.name,
                  figures=", ".join(f"{heading} {count}"
                                    for heading, count in zip(headings, row.figures,
                                                              strict=True))))
        for row in rows]
    description = _("Map of the five departments of Hauts-de-France, shaded by %(figure)s; "
                    "each department is a link. The table below gives the same numbers.",
                    figure=headings[0].lower())
    return svgmap.region_map(map_id, title, description, areas)
