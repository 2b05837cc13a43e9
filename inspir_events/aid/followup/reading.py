"""Reading a final report's input (nothing saved): its actual expense and revenue lines,
as a co-funding application has them, its narrative and links.

Every problem is collected, each naming its field (``("expenses", 1, "amount")`` for the
second expense line's amount) so the page shows it next to its line, what was typed
kept. Input problems block even a draft; rule problems (no expense line, no narrative)
block sending it to the committee.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from inspir_events.aid import euros, rules
from inspir_events.aid.cofunding.models import RevenueKind
from inspir_events.aid.cofunding.reading import (
    LABEL_MAX,
    LINES_MAX,
    URL_MAX,
    DocumentInput,
    ExpenseInput,
    Problem,
    RevenueInput,
    valid_url,
)

NARRATIVE_MAX = 20_000


@dataclass(frozen=True)
class ReportInput:
    narrative: str = ""
    expenses: list[ExpenseInput] = field(default_factory=list)
    revenues: list[RevenueInput] = field(default_factory=list)
    links: list[DocumentInput] = field(default_factory=list)


@dataclass
class ReportReading:
    narrative: str = ""
    expenses: list[tuple[str, int, rules.Section]] = field(default_factory=list)
    revenues: list[tuple[RevenueKind, str, int]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    input_problems: list[Problem] = field(default_factory=list)
    rule_problems: list[Problem] = field(default_factory=list)

    @property
    def expenses_cents(self) -> int:
        return sum(amount for _label, amount, _section in self.expenses)

    @property
    def revenues_cents(self) -> int:
        return sum(amount for _kind, _label, amount in self.revenues)

    def expenses_by_section(self) -> dict[rules.Section, int]:
        totals = {section: 0 for section in rules.Section}
        for _label, amount, section in self.expenses:
            totals[section] += amount
        return totals

    @property
    def problems(self) -> list[Problem]:
        return self.input_problems + self.rule_problems


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _line(label: str, amount: str, where: str, index: int,
          problems: list[Problem]) -> tuple[str, int | None]:
    if not label:
        problems.append(Problem((where, index, "label"), _("Give this line a label.")))
    elif len(label) > LABEL_MAX:
        problems.append(Problem((where, index, "label"),
                                _("At most %(max)d characters.", max=LABEL_MAX)))
    try:
        return label[:LABEL_MAX], euros.parse_euros(amount)
    except euros.AmountError as exc:
        problems.append(Problem((where, index, "amount"), _(exc.message), "invalid_amount"))
        return label, None


def read(data: ReportInput) -> ReportReading:
    """Read a final report's input: each line, the narrative (Markdown), the links."""
    reading = ReportReading(narrative=(data.narrative or "").strip())
    problems = reading.input_problems
    if len(reading.narrative) > NARRATIVE_MAX:
        problems.append(Problem("narrative", _("At most %(max)d characters.",
                                               max=NARRATIVE_MAX)))
    for index, line in enumerate(data.expenses[:LINES_MAX]):
        label, amount = _text(line.label), (line.amount or "").strip()
        if not label and not amount:
            continue  # an empty row of the form
        label, cents = _line(label, amount, "expenses", index, problems)
        if line.section not in rules.Section._value2member_map_:
            problems.append(Problem(("expenses", index, "section"),
                                    _("Choose investment or operating.")))
        elif cents is not None:
            reading.expenses.append((label, cents, rules.Section(line.section)))
    for index, line in enumerate(data.revenues[:LINES_MAX]):
        label, amount = _text(line.label), (line.amount or "").strip()
        if not label and not amount:
            continue
        label, cents = _line(label, amount, "revenues", index, problems)
        if line.kind not in RevenueKind._value2member_map_:
            problems.append(Problem(("revenues", index, "kind"), _("Choose a kind of revenue.")))
        elif cents is not None:
            reading.revenues.append((RevenueKind(line.kind), label, cents))
    for index, link in enumerate(data.links[:LINES_MAX]):
        title, url = _text(link.title), (link.url or "").strip()
        if not title and not url:
            continue
        if not title:
            problems.append(Problem(("links", index, "title"), _("Give this line a label.")))
        if not valid_url(url) or len(url) > URL_MAX:
            problems.append(Problem(("links", index, "url"), _(
                "Enter a web address starting with http:// or https:// (at most %(max)d "
                "characters).", max=URL_MAX)))
        elif title:
            reading.links.append((title[:LABEL_MAX], url))
    if not reading.expenses and not any(isinstance(p.field, tuple) and p.field[0] == "expenses"
                                        for p in problems):
        reading.rule_problems.append(Problem("expenses", _(
            "Add at least one actual expense line."), "no_expense"))
    if not reading.narrative:
        reading.rule_problems.append(Problem("narrative", _(
            "Tell how the aid was used: the narrative is required."), "no_narrative"))
    return reading
