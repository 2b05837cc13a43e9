"""The statistics page's figures in the reader's language: charts and their tables.

:mod:`inspir_events.stats.queries` counts by code; this module names each code
(department, theme, event kind, stage, envelope) in the page's language, writes
every number the French way (Babel: "1 234", "12 500,00 €") and builds, for each
figure, its SVG chart and the table holding the same numbers (the chart's text
alternative). Nothing here reads the database except the reference names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import format_decimal, gettext
from markupsafe import Markup

from inspir_events.aid import rules as aid_rules
from inspir_events.aid.names import REGION_NAMES, SECTION_NAMES
from inspir_events.aid.projects.stages import STAGE_NAMES
from inspir_events.events.forms import KIND_LABELS
from inspir_events.events.rules import EventKind
from inspir_events.i18n import format_cents, localized
from inspir_events.reference import maps
from inspir_events.reference import services as reference
from inspir_events.stats import charts
from inspir_events.stats.queries import Count, EnvelopeFigures, Statistics


@dataclass(frozen=True)
class Row:
    label: str
    display: str


@dataclass(frozen=True)
class Figure:
    """A chart and its table: the same rows, drawn and written."""

    id: str
    title: str
    label_header: str
    value_header: str
    rows: tuple[Row, ...]
    total: str
    svg: Markup


@dataclass(frozen=True)
class EnvelopeRow:
    label: str
    amount: str
    committed: str
    granted: str
    remaining: str


@dataclass(frozen=True)
class MoneyFigure:
    year: int
    years: tuple[int, ...]
    rows: tuple[EnvelopeRow, ...]
    total: EnvelopeRow
    svg: Markup


@dataclass(frozen=True)
class Page:
    """Everything the template shows, already named and formatted."""

    key_figures: tuple[Row, ...]
    needs: tuple[Figure, ...]
    events: tuple[Figure, ...]
    participants: Figure
    projects: Figure
    money: MoneyFigure
    ideas: tuple[Row, ...] = field(default_factory=tuple)
    region_map: maps.RegionMap | None = None
    epcis: tuple[EpciRow, ...] = ()


@dataclass(frozen=True)
class EpciRow:
    """An intercommunality with what names one of its communes (issue 20 §3)."""

    name: str
    href: str
    needs: int
    events: int
    projects: int


def number(value: int) -> str:
    """A count in the page's language ("1 234" in French, "1,234" in English)."""
    return format_decimal(value)


def describe(title: str, rows) -> str:
    """The chart's description: its title, then each label with its number."""
    pairs = "; ".join(gettext("%(label)s: %(value)s", label=row.label, value=row.display)
                      for row in rows)
    return f"{title}. {pairs}." if pairs else f"{title}."


def _figure(chart_id: str, title: str, label_header: str, value_header: str,
            counts: tuple[Count, ...], names: dict[str, str],
            total: int | None = None) -> Figure:
    rows = tuple(Row(names.get(c.code, c.code), number(c.count)) for c in counts)
    bars = [charts.Bar(row.label, c.count, row.display) for row, c in zip(rows, counts,
                                                                           strict=True)]
    svg = charts.bar_chart(chart_id, title, describe(title, rows), bars,
                           empty_text=gettext("No data yet."))
    return Figure(id=chart_id, title=title, label_header=label_header,
                  value_header=value_header, rows=rows,
                  total=number(sum(c.count for c in counts) if total is None else total),
                  svg=svg)


def department_names() -> dict[str, str]:
    return {d.code: localized(d) for d in reference.departments()}


def _theme_names() -> dict[str, str]:
    return {t.code: localized(t) for t in reference.themes()}


def _kind_names() -> dict[str, str]:
    return {EventKind(kind).value: str(label) for kind, label in KIND_LABELS.items()}


def _stage_names() -> dict[str, str]:
    return {stage.value: gettext(name) for stage, name in STAGE_NAMES.items()}


def envelope_label(envelope: EnvelopeFigures) -> str:
    region = REGION_NAMES.get(aid_rules.FormerRegion(envelope.former_region))
    section = SECTION_NAMES.get(aid_rules.Section(envelope.section))
    return f"{region} · {section}"


def _envelope_row(label: str, amount: int, committed: int, granted: int) -> EnvelopeRow:
    return EnvelopeRow(label=label, amount=format_cents(amount),
                       committed=format_cents(committed), granted=format_cents(granted),
                       remaining=format_cents(amount - committed))


def _money(stats: Statistics) -> MoneyFigure:
    title = gettext("Money granted and committed per envelope, %(year)s", year=stats.year)
    rows = tuple(_envelope_row(envelope_label(e), e.amount_cents, e.committed_cents,
                               e.granted_cents) for e in stats.envelopes)
    granted_name = gettext("Granted")
    committed_name = gettext("Committed, not granted")
    progress = [charts.Progress(
        label=row.label, total=e.amount_cents,
        display=row.amount,
        parts=(charts.Part(granted_name, e.granted_cents, row.granted, charts.BAR),
               charts.Part(committed_name, max(0, e.committed_cents - e.granted_cents),
                           format_cents(max(0, e.committed_cents - e.granted_cents)),
                           charts.COMMITTED)))
        for row, e in zip(rows, stats.envelopes, strict=True)]
    description = "; ".join(
        gettext("%(envelope)s: %(granted)s granted and %(committed)s committed "
                "out of %(amount)s", envelope=row.label, granted=row.granted,
                committed=row.committed, amount=row.amount) for row in rows)
    svg = charts.progress_chart("chart-money", title, f"{title}. {description}.", progress,
                                empty_text=gettext("The envelopes of this year are not "
                                                   "loaded yet."))
    total = _envelope_row(gettext("Total"), stats.amount_cents, stats.committed_cents,
                          stats.granted_cents)
    return MoneyFigure(year=stats.year, years=stats.years, rows=rows, total=total, svg=svg)


def page(stats: Statistics) -> Page:
    """The page's figures, named and formatted in the current language."""
    departments, themes = department_names(), _theme_names()
    kinds, stages = _kind_names(), _stage_names()
    territory, theme_header = gettext("Department"), gettext("Theme")
    kind_header, count = gettext("Kind of event"), gettext("Number")
    needs = (
        _figure("chart-needs-department", gettext("Public needs per department"),
                territory, gettext("Needs"), stats.needs_by_department, departments),
        _figure("chart-needs-theme", gettext("Public needs per theme"),
                theme_header, gettext("Needs"), stats.needs_by_theme, themes),
    )
    events = (
        _figure("chart-events-department", gettext("Events held per department"),
                territory, gettext("Events"), stats.events_by_department, departments),
        _figure("chart-events-kind", gettext("Events held per kind"),
                kind_header, gettext("Events"), stats.events_by_kind, kinds),
    )
    participants = _figure(
        "chart-participants-kind", gettext("Participants per kind of event"), kind_header,
        gettext("Participants"), stats.participants_by_kind, kinds,
        total=stats.participants_total)
    projects = _figure("chart-projects-stage", gettext("Projects per stage of the pipeline"),
                       gettext("Stage"), count, stats.projects_by_stage, stages)
    key_figures = (
        Row(gettext("Public needs"), number(stats.needs_total)),
        Row(gettext("Events held"), number(stats.events_held)),
        Row(gettext("Participants"), number(stats.participants_total)),
        Row(gettext("Ideas"), number(stats.ideas_total)),
        Row(gettext("Projects"), number(stats.projects_total)),
        Row(gettext("Aid granted in %(year)s", year=stats.year),
            format_cents(stats.granted_cents)),
    )
    ideas = (
        Row(gettext("Ideas posted at published events"), number(stats.ideas_total)),
        Row(gettext("Ideas put to a vote in a closed round"),
            number(stats.ideas_in_closed_rounds)),
    )
    return Page(key_figures=key_figures, needs=needs, events=events,
                participants=participants, projects=projects, money=_money(stats),
                ideas=ideas, region_map=_region_map(stats), epcis=_epci_rows(stats))


def _as_dict(counts: tuple[Count, ...]) -> dict[str, int]:
    return {c.code: c.count for c in counts}


def _region_map(stats: Statistics) -> maps.RegionMap:
    """Needs, events held and projects per department, on the map and in its table."""
    return maps.department_map(
        "stats-map", gettext("Needs, events held and projects per department"),
        [maps.Column(gettext("Needs"), _as_dict(stats.needs_by_department)),
         maps.Column(gettext("Events held"), _as_dict(stats.events_by_department)),
         maps.Column(gettext("Projects"), _as_dict(stats.projects_by_department))],
        lambda code: url_for("needs.territory", code=code))


def _epci_rows(stats: Statistics) -> tuple[EpciRow, ...]:
    """The intercommunalities where something is counted, by name."""
    needs, events = _as_dict(stats.needs_by_epci), _as_dict(stats.events_by_epci)
    projects = _as_dict(stats.projects_by_epci)
    return tuple(EpciRow(e.name, url_for("needs.intercommunality", siren=e.siren),
                         needs.get(e.siren, 0), events.get(e.siren, 0),
                         projects.get(e.siren, 0))
                 for e in reference.epcis()
                 if needs.get(e.siren) or events.get(e.siren) or projects.get(e.siren))
