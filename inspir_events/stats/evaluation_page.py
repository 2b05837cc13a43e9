"""The programme's evaluation in the reader's language: each figure's chart and its table.

:mod:`inspir_events.stats.evaluation` counts by code; this module names each code
(subject, programme, department), writes the numbers the French way ("1 234",
"12 500,00 €", "33 %") and builds each chart with the table holding the same numbers
(the chart's text alternative), as :mod:`inspir_events.stats.presentation` does for the
rest of the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_percent, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from inspir_events.aid.projects.stages import OTHER_PROGRAMMES
from inspir_events.i18n import format_cents
from inspir_events.labels.charter import SubjectType
from inspir_events.stats import charts
from inspir_events.stats.evaluation import NO_DEPARTMENT, Evaluation
from inspir_events.stats.presentation import Row, department_names, describe, number

SUBJECT_NAMES = {
    SubjectType.EVENT.value: _l("Events"),
    SubjectType.SUPPORT_STRUCTURE.value: _l("Support structures"),
    SubjectType.PROJECT.value: _l("Projects"),
}


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class TableFigure:
    """A chart and its table of one or more columns: the same numbers, drawn and written."""

    id: str
    title: str
    label_header: str
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]
    total: TableRow | None
    svg: Markup
    note: str = ""


@dataclass(frozen=True)
class EvaluationPage:
    year: int
    labels: TableFigure
    cofunding: TableFigure
    funnel: TableFigure
    outcomes: TableFigure
    reproductions: tuple[Row, ...]
    oriented: TableFigure
    teams: TableFigure
    aid: TableFigure


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage in the page's language ("—" of nothing)."""
    if whole <= 0:
        return "—"
    return format_percent(Decimal(part) / Decimal(whole))


def _description(title: str, rows: tuple[TableRow, ...], headers: tuple[str, ...]) -> str:
    """The chart's description: each row's label with each column's value."""
    return describe(title, [Row(row.label, ", ".join(
        f"{header} {cell}" for header, cell in zip(headers, row.cells, strict=True)))
        for row in rows])


def _labels(result: Evaluation) -> TableFigure:
    title = gettext("INS'pir labels asked for and granted, %(year)s", year=result.year)
    headers = (gettext("Asked"), gettext("Granted"), gettext("Refused"))
    rows = tuple(TableRow(str(SUBJECT_NAMES[r.subject]),
                          (number(r.asked), number(r.granted), number(r.refused)))
                 for r in result.labels)
    groups = [charts.Group(row.label, tuple(charts.Bar(header, value, cell) for header, value,
                                            cell in zip(headers, (r.asked, r.granted,
                                                                  r.refused), row.cells,
                                                        strict=True)))
              for row, r in zip(rows, result.labels, strict=True)]
    total = TableRow(gettext("Total"), tuple(number(sum(getattr(r, name) for r in result.labels))
                                             for name in ("asked", "granted", "refused")))
    svg = charts.grouped_bar_chart("chart-eval-labels", title,
                                   _description(title, rows, headers), headers, groups)
    return TableFigure("chart-eval-labels", title, gettext("Subject"), headers, rows, total,
                       svg)


def _cofunding(result: Evaluation) -> TableFigure:
    title = gettext("Co-funding of events asked, granted and refused, %(year)s",
                    year=result.year)
    figures = result.cofunding
    headers = (gettext("Applications"), gettext("Amount"))
    rows = tuple(TableRow(label, (number(tally.count), format_cents(tally.cents)))
                 for label, tally in ((gettext("Asked (region share)"), figures.asked),
                                      (gettext("Granted"), figures.granted),
                                      (gettext("Refused (region share asked)"),
                                       figures.refused)))
    bars = [charts.Bar(row.label, tally.cents, row.cells[1]) for row, tally in zip(
        rows, (figures.asked, figures.granted, figures.refused), strict=True)]
    svg = charts.bar_chart("chart-eval-cofunding", title, _description(title, rows, headers),
                           bars)
    note = gettext("%(count)s applications await the committee's decision.",
                   count=number(figures.awaiting))
    return TableFigure("chart-eval-cofunding", title, gettext("Applications"), headers, rows,
                       None, svg, note)


def _funnel(result: Evaluation) -> TableFigure:
    title = gettext("From needs to projects: the needs published in %(year)s",
                    year=result.year)
    funnel = result.funnel
    headers = (gettext("Needs"), gettext("Share"))
    steps = ((gettext("Needs published"), funnel.needs),
             (gettext("… that led to an event"), funnel.with_event),
             (gettext("… that led to an idea"), funnel.with_idea),
             (gettext("… that led to a project"), funnel.with_project))
    rows = tuple(TableRow(label, (number(value), share(value, funnel.needs)))
                 for label, value in steps)
    bars = [charts.Bar(row.label, value, f"{row.cells[0]} ({row.cells[1]})")
            for row, (_, value) in zip(rows, steps, strict=True)]
    svg = charts.funnel_chart("chart-eval-funnel", title, _description(title, rows, headers),
                              bars)
    return TableFigure("chart-eval-funnel", title, gettext("Step"), headers, rows, None, svg)


def _single(chart_id: str, title: str, label_header: str, header: str,
            pairs: list[tuple[str, int]]) -> TableFigure:
    rows = tuple(TableRow(label, (number(value),)) for label, value in pairs)
    bars = [charts.Bar(label, value, number(value)) for label, value in pairs]
    svg = charts.bar_chart(chart_id, title, _description(title, rows, (header,)), bars,
                           empty_text=gettext("No data yet."))
    total = TableRow(gettext("Total"), (number(sum(value for _, value in pairs)),))
    return TableFigure(chart_id, title, label_header, (header,), rows, total, svg)


def _teams(result: Evaluation) -> TableFigure:
    title = gettext("Inhabitants and future users in the teams of %(year)s", year=result.year)
    teams = result.teams
    headers = (gettext("In all"), gettext("Inhabitants or future users"), gettext("Share"))
    pairs = ((gettext("Team members"), teams.members, teams.citizens),
             (gettext("Teams with at least one"), teams.teams, teams.teams_with_citizens))
    rows = tuple(TableRow(label, (number(whole), number(part), share(part, whole)))
                 for label, whole, part in pairs)
    name = gettext("Inhabitants or future users")
    progress = [charts.Progress(
        label=row.label, total=whole, display=row.cells[0],
        parts=(charts.Part(name, part, f"{row.cells[1]} ({row.cells[2]})", charts.BAR),))
        for row, (_, whole, part) in zip(rows, pairs, strict=True)]
    svg = charts.progress_chart("chart-eval-teams", title, _description(title, rows, headers),
                                progress)
    return TableFigure("chart-eval-teams", title, gettext("Counted"), headers, rows, None, svg)


def _aid(result: Evaluation) -> TableFigure:
    title = gettext("Aid granted per department, %(year)s", year=result.year)
    names = {**department_names(), NO_DEPARTMENT: gettext("Department not given")}
    headers = (gettext("Grants"), gettext("Amount"))
    rows = tuple(TableRow(names.get(r.code, r.code), (number(r.grants), format_cents(r.cents)))
                 for r in result.aid_by_department)
    bars = [charts.Bar(row.label, r.cents, row.cells[1])
            for row, r in zip(rows, result.aid_by_department, strict=True)]
    total = TableRow(gettext("Total"), (
        number(sum(r.grants for r in result.aid_by_department)),
        format_cents(sum(r.cents for r in result.aid_by_department))))
    svg = charts.bar_chart("chart-eval-aid", title, _description(title, rows, headers), bars,
                           empty_text=gettext("No data yet."))
    return TableFigure("chart-eval-aid", title, gettext("Department"), headers, rows, total, svg)


def page(result: Evaluation) -> EvaluationPage:
    """Every figure of the evaluation, named and formatted in the current language."""
    year = result.year
    outcomes = _single("chart-eval-outcomes",
                       gettext("Projects diffused and stopped in %(year)s", year=year),
                       gettext("Outcome"), gettext("Projects"),
                       [(gettext("Diffused"), result.diffused),
                        (gettext("Stopped (lessons learned)"), result.stopped)])
    oriented = _single("chart-eval-oriented",
                       gettext("Projects oriented to other regional programmes, %(year)s",
                               year=year),
                       gettext("Regional programme"), gettext("Projects"),
                       [(gettext(OTHER_PROGRAMMES[code]) if code in OTHER_PROGRAMMES
                         else code, n) for code, n in result.oriented])
    reproductions = (
        Row(gettext("« I want to reproduce it » declarations"), number(result.reproductions)),
        Row(gettext("Projects people want to reproduce"), number(result.reproduced_projects)),
    )
    return EvaluationPage(year=year, labels=_labels(result), cofunding=_cofunding(result),
                          funnel=_funnel(result), outcomes=outcomes,
                          reproductions=reproductions, oriented=oriented,
                          teams=_teams(result), aid=_aid(result))
