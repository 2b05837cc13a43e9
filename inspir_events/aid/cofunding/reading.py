"""Reading a co-funding application's input, and the rules' verdict on it (nothing saved).

Amounts typed in euros are read with :func:`euros.parse_euros`, the beneficiary's
SIRET or RNA with :mod:`.identifiers`; every problem is collected, not only the
first, as a :class:`Problem` naming its field (``("expenses", 1, "amount")`` for
the second expense line's amount) so a page shows each one next to its line.
The verdict is :func:`rules.check_event_cofunding`'s (« au maximum à 50% et dans
la limite de 12.500 euros de part Région »), its messages in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask_babel import gettext as _

from inspir_events.aid import euros, identifiers, messages, rules
from inspir_events.aid.cofunding.models import RevenueKind
from inspir_events.i18n import format_cents

NAME_MAX = 150
PURPOSE_MAX = 255  # SCDL "objet": fewer than 256 characters
LABEL_MAX = 150
URL_MAX = 300
LINES_MAX = 50  # per kind of line: far beyond a real event budget, keeps requests small


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input; ``field`` is a name or (list, index, name)."""

    field: str | tuple
    message: str
    code: str = "invalid"


# --- Input --------------------------------------------------------------------

@dataclass(frozen=True)
class ExpenseInput:
    label: str = ""
    amount: str = ""  # euros, as typed
    section: str = rules.Section.OPERATING.value


@dataclass(frozen=True)
class RevenueInput:
    kind: str = RevenueKind.CO_FUNDER.value
    label: str = ""
    amount: str = ""
    confirmed: bool = False


@dataclass(frozen=True)
class DocumentInput:
    title: str = ""
    url: str = ""


@dataclass(frozen=True)
class ApplicationInput:
    beneficiary_name: str = ""
    beneficiary_identifier: str = ""  # a SIRET (14 digits) or an RNA number (W + 9 digits)
    purpose: str = ""
    region_share: str = ""
    expenses: list[ExpenseInput] = field(default_factory=list)
    revenues: list[RevenueInput] = field(default_factory=list)
    documents: list[DocumentInput] = field(default_factory=list)


@dataclass
class Reading:
    """The input read: values where they could be read, and the problems found."""

    name: str = ""
    siret: str | None = None
    rna: str | None = None
    purpose: str = ""
    region_share_cents: int | None = None
    expenses: list[tuple[str, int, rules.Section]] = field(default_factory=list)
    revenues: list[tuple[RevenueKind, str, int, bool]] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    input_problems: list[Problem] = field(default_factory=list)  # block even a draft
    rule_problems: list[Problem] = field(default_factory=list)  # block the submission
    verdict: rules.Verdict | None = None

    @property
    def total_cost_cents(self) -> int:
        return sum(amount for _label, amount, _section in self.expenses)

    @property
    def other_revenues_cents(self) -> int:
        return sum(amount for _kind, _label, amount, _confirmed in self.revenues)

    @property
    def problems(self) -> list[Problem]:
        return self.input_problems + self.rule_problems


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _amount(text: str, where, problems: list[Problem]) -> int | None:
    try:
        return euros.parse_euros(text or "")
    except euros.AmountError as exc:
        problems.append(Problem(where, _(exc.message), "invalid_amount"))
        return None


def _label(text: str, where, problems: list[Problem]) -> str:
    if not text:
        problems.append(Problem(where, _("Give this line a label.")))
    elif len(text) > LABEL_MAX:
        problems.append(Problem(where, _("At most %(max)d characters.", max=LABEL_MAX)))
    return text


def valid_url(url: str) -> bool:
    """An absolute http(s) address without spaces (a supporting document's link)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url


def _read_identifier(raw: str, reading: Reading) -> None:
    identifier = identifiers.normalise_identifier(raw)
    if not identifier:
        return
    if identifiers.valid_siret(identifier):
        reading.siret = identifier
    elif identifiers.valid_rna(identifier):
        reading.rna = identifier
    else:
        reading.input_problems.append(Problem(
            "beneficiary_identifier",
            _("Enter a SIRET (14 digits) or an RNA number (W followed by 9 digits).")))


def _read_lines(data: ApplicationInput, reading: Reading) -> None:
    problems = reading.input_problems
    for index, line in enumerate(data.expenses[:LINES_MAX]):
        label, amount = _text(line.label), (line.amount or "").strip()
        if not label and not amount:
            continue  # an empty row of the form
        label = _label(label, ("expenses", index, "label"), problems)
        cents = _amount(amount, ("expenses", index, "amount"), problems)
        section = line.section if line.section in rules.Section._value2member_map_ else None
        if section is None:
            problems.append(Problem(("expenses", index, "section"),
                                    _("Choose investment or operating.")))
        if cents is not None and section is not None:
            reading.expenses.append((label[:LABEL_MAX], cents, rules.Section(section)))
    for index, line in enumerate(data.revenues[:LINES_MAX]):
        label, amount = _text(line.label), (line.amount or "").strip()
        if not label and not amount:
            continue
        label = _label(label, ("revenues", index, "label"), problems)
        cents = _amount(amount, ("revenues", index, "amount"), problems)
        kind = line.kind if line.kind in RevenueKind._value2member_map_ else None
        if kind is None:
            problems.append(Problem(("revenues", index, "kind"), _("Choose a kind of revenue.")))
        if cents is not None and kind is not None:
            reading.revenues.append((RevenueKind(kind), label[:LABEL_MAX], cents,
                                     bool(line.confirmed)))
    for index, document in enumerate(data.documents[:LINES_MAX]):
        title, url = _text(document.title), (document.url or "").strip()
        if not title and not url:
            continue
        title = _label(title, ("documents", index, "title"), problems)
        if not valid_url(url) or len(url) > URL_MAX:
            problems.append(Problem(("documents", index, "url"), _(
                "Enter a web address starting with http:// or https:// (at most %(max)d "
                "characters).", max=URL_MAX)))
        else:
            reading.documents.append((title[:LABEL_MAX], url))


def violation_message(violation: rules.Violation) -> str:
    """A rule's violation in the page's language; an unbalanced budget says by how much."""
    text = messages.message(violation)
    if violation.code == "unbalanced":
        difference = violation.params["difference_cents"]
        text += " " + (_("Revenues exceed expenses by %(amount)s.", amount=format_cents(difference))
                       if difference > 0 else
                       _("Revenues are short of expenses by %(amount)s.",
                         amount=format_cents(-difference)))
    return text


def read(data: ApplicationInput, region_led: bool, policy: rules.Policy) -> Reading:
    """Read an application's input and run the co-funding rules on it (nothing saved).

    Input problems (an amount that cannot be read, a label missing or too long, a
    bad identifier or link) block even saving a draft; rule problems (no expense
    line, no beneficiary identifier, the verdict's violations) block submitting.
    """
    reading = Reading(name=_text(data.beneficiary_name), purpose=_text(data.purpose))
    problems = reading.input_problems
    if len(reading.name) > NAME_MAX:
        problems.append(Problem("beneficiary_name", _("At most %(max)d characters.",
                                                      max=NAME_MAX)))
    if len(reading.purpose) > PURPOSE_MAX:
        problems.append(Problem("purpose", _("At most %(max)d characters.", max=PURPOSE_MAX)))
    _read_identifier(data.beneficiary_identifier, reading)
    reading.region_share_cents = _amount((data.region_share or "").strip(), "region_share",
                                         problems)
    _read_lines(data, reading)
    if not reading.name:
        reading.rule_problems.append(Problem("beneficiary_name",
                                             _("Name the beneficiary (the organisation).")))
    if not reading.purpose:
        reading.rule_problems.append(Problem("purpose", _("Say what the aid is for.")))
    if not (reading.siret or reading.rna) and not any(
            p.field == "beneficiary_identifier" for p in problems):
        reading.rule_problems.append(Problem(
            "beneficiary_identifier",
            _("Give the beneficiary's SIRET or RNA number: one of them is required.")))
    if not reading.expenses and not any(p.field[0] == "expenses" for p in problems
                                        if isinstance(p.field, tuple)):
        reading.rule_problems.append(Problem("expenses", _("Add at least one expense line."),
                                             "no_expense"))
    if not problems and reading.region_share_cents is not None:
        reading.verdict = rules.check_event_cofunding(
            reading.total_cost_cents, reading.region_share_cents,
            reading.other_revenues_cents, region_led, policy)
        for violation in reading.verdict.violations:
            if violation.code == rules.INVALID_AMOUNT and reading.expenses:
                continue  # a zero total cost: said below, once
            reading.rule_problems.append(Problem("totals", violation_message(violation),
                                                 violation.code))
        if reading.expenses and reading.total_cost_cents == 0:
            reading.rule_problems.append(Problem("expenses", _(
                "The event's total cost must be more than zero."), rules.INVALID_AMOUNT))
    return reading
