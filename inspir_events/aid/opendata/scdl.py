"""Granted aid as SCDL « subventions » rows, and their validation (no Flask, no SQLAlchemy).

The deliberation's money is public: French public bodies publish the aid they
grant in the « Socle Commun des Données Locales » format for subsidies (SCDL
« subventions », schema.data.gouv.fr/scdl/subventions). This module turns plain
facts about granted aid into that format's rows, and checks a row against the
format's rules (:func:`validate_row`), which the export's tests run on every row.

- One row per decision: the grant rows of one decision (same reference and
  beneficiary; a co-funding split into investment and operating) are summed by
  :func:`decisions`.
- Every value is a string exactly as published: ``montant`` with a decimal
  point and two decimals (``"12500.00"``), dates ``AAAA-MM-JJ``, percentages
  between 0.01 and 1.
- Free texts (names, purpose, reference) never start like a spreadsheet formula
  (``= + - @``): :func:`build_row` drops such leading characters, so the CSV
  guard (:func:`inspir_events.opendata.csv_cell`) has nothing to change and the
  CSV and JSON exports carry the same values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from inspir_events.aid.identifiers import valid_rna, valid_siret

COLUMNS = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)

NATURE_CASH = "aide en numéraire"
NATURES = (NATURE_CASH, "aide en nature")
PAYMENT_TERMS = ("unique", "échelonné", "autre")
NOTIFICATION_UE = ("oui", "non")
OBJET_MAX = 255  # « objet »: fewer than 256 characters
TEXT_MAX = 255
ELLIPSIS = "…"
FORMULA_START = ("=", "+", "-", "@")
FREE_TEXTS = ("nomAttribuant", "referenceDecision", "nomBeneficiaire", "objet",
              "dispositifAide", "idRAE")

_DATE = r"\d{4}-\d{2}-\d{2}"
_DATE_RE = re.compile(_DATE)
_PERIOD_RE = re.compile(rf"({_DATE})(?:/({_DATE}))?")
_AMOUNT_RE = re.compile(r"(0|[1-9]\d*)\.\d{2}")
_PERCENT_RE = re.compile(r"(0|1)(\.\d{1,2})?")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Attribuant:
    """The body granting the aid (from configuration) and the programme's name."""

    name: str
    siret: str
    scheme: str  # dispositifAide


@dataclass(frozen=True)
class GrantFacts:
    """One granted-aid row as plain values (an AidGrant, read by the export)."""

    reference: str
    decided_on: date
    beneficiary_name: str
    beneficiary_siret: str | None
    beneficiary_rna: str | None
    purpose: str
    amount_cents: int
    total_cost_cents: int | None = None
    payment_terms: str = "unique"
    payment_start: date | None = None
    payment_end: date | None = None
    rules: str = ""  # the version of the year's rules it was decided under (dispositifAide)


def decisions(grants: Iterable[GrantFacts]) -> list[GrantFacts]:
    """One fact per decision: rows sharing a reference and a beneficiary are summed.

    A co-funding grant split into investment and operating is one decision of
    the committee: one SCDL row whose ``montant`` is the sum. The decision's
    date is its earliest row's; its payment period spans its rows' periods;
    its total cost is the rows' common cost (their sum if each row is a share
    of its own cost; unknown if a row does not know it); payment terms that
    differ between rows become ``autre``. Decisions come out by date, then
    reference.
    """
    groups: dict[tuple, list[GrantFacts]] = {}
    for grant in grants:
        key = (grant.reference, grant.beneficiary_siret or "", grant.beneficiary_rna or "")
        groups.setdefault(key, []).append(grant)
    merged = [_merge(rows) for rows in groups.values()]
    return sorted(merged, key=lambda d: (d.decided_on, d.reference, d.beneficiary_name))


def _merge(rows: list[GrantFacts]) -> GrantFacts:
    first = rows[0]
    if len(rows) == 1:
        return first
    costs = [row.total_cost_cents for row in rows]
    if any(cost is None for cost in costs):
        total_cost = None
    elif len(set(costs)) == 1:
        total_cost = costs[0]
    else:
        total_cost = sum(costs)
    terms = {row.payment_terms for row in rows}
    starts = [row.payment_start for row in rows if row.payment_start]
    ends = [row.payment_end for row in rows if row.payment_end]
    return GrantFacts(
        reference=first.reference, decided_on=min(row.decided_on for row in rows),
        beneficiary_name=first.beneficiary_name, beneficiary_siret=first.beneficiary_siret,
        beneficiary_rna=first.beneficiary_rna, purpose=first.purpose,
        amount_cents=sum(row.amount_cents for row in rows), total_cost_cents=total_cost,
        payment_terms=first.payment_terms if len(terms) == 1 else "autre",
        payment_start=min(starts) if starts else None, payment_end=max(ends) if ends else None,
        rules=first.rules,
    )


# --- Formatting ------------------------------------------------------------------

def format_amount(cents: int) -> str:
    """Cents as euros with a decimal point and two decimals: 1_250_000 -> "12500.00"."""
    return f"{cents // 100}.{cents % 100:02d}"


def percentage(amount_cents: int, total_cost_cents: int | None) -> str:
    """The aid's share of the cost, 2 decimals, between 0.01 and 1 ("1.00" if unknown)."""
    if not total_cost_cents or total_cost_cents <= 0:
        return "1.00"
    share = (Decimal(amount_cents) / Decimal(total_cost_cents)).quantize(
        _CENT, rounding=ROUND_HALF_UP)
    return str(min(max(share, _CENT), Decimal("1.00")))


def clean_text(value: str | None) -> str:
    """One line, no leading formula character (``= + - @``), no surrounding spaces."""
    text = " ".join((value or "").split())
    while text and text[0] in "".join(FORMULA_START):
        text = text[1:].lstrip()
    return text


def cut(text: str, limit: int = OBJET_MAX) -> str:
    """``text`` within ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit - len(ELLIPSIS)]
    if " " in head and not text[len(head)].isspace():
        head = head[:head.rindex(" ")]
    return head.rstrip(" ,;:.-–") + ELLIPSIS


def payment_terms(value: str | None) -> str:
    """The SCDL conditionsVersement: ``unique``, ``échelonné`` or ``autre``."""
    word = (value or "unique").strip().lower()
    if word in ("echelonne", "échelonné", "echelonné", "échelonne"):
        return "échelonné"
    return word if word in PAYMENT_TERMS else "autre"


def payment_period(decision: GrantFacts) -> str:
    """``AAAA-MM-JJ`` or ``AAAA-MM-JJ/AAAA-MM-JJ``: the planned payments, else the decision date."""
    start = decision.payment_start or decision.decided_on
    end = decision.payment_end
    if end and end > start:
        return f"{start.isoformat()}/{end.isoformat()}"
    return start.isoformat()


def build_row(attribuant: Attribuant, decision: GrantFacts) -> dict[str, str]:
    """The SCDL « subventions » row of one decision, every value a string, in column order."""
    return {
        "nomAttribuant": cut(clean_text(attribuant.name), TEXT_MAX),
        "idAttribuant": attribuant.siret,
        "dateConvention": decision.decided_on.isoformat(),
        "referenceDecision": cut(clean_text(decision.reference), TEXT_MAX),
        "nomBeneficiaire": cut(clean_text(decision.beneficiary_name), TEXT_MAX),
        "idBeneficiaire": decision.beneficiary_siret or "",
        "rnaBeneficiaire": decision.beneficiary_rna or "",
        "objet": cut(clean_text(decision.purpose), OBJET_MAX),
        "montant": format_amount(decision.amount_cents),
        "nature": NATURE_CASH,
        "conditionsVersement": payment_terms(decision.payment_terms),
        "datesPeriodeVersement": payment_period(decision),
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": percentage(decision.amount_cents, decision.total_cost_cents),
        "dispositifAide": cut(clean_text(
            f"{attribuant.scheme} ({decision.rules})" if decision.rules else attribuant.scheme),
            TEXT_MAX),
    }


def build_rows(attribuant: Attribuant, grants: Iterable[GrantFacts]) -> list[dict[str, str]]:
    """The rows of the export: one per decision."""
    return [build_row(attribuant, decision) for decision in decisions(grants)]


# --- Validation ---------------------------------------------------------------------

def _date_ok(text: str) -> bool:
    if not _DATE_RE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def validate_row(row: dict) -> list[str]:
    """Every way ``row`` breaks the SCDL « subventions » rules (empty: the row is valid).

    Each message starts with the column at fault.
    """
    errors: list[str] = []
    if not isinstance(row, dict):
        return ["row: not a mapping of column to value"]
    if tuple(row) != COLUMNS:
        missing = [c for c in COLUMNS if c not in row]
        extra = [c for c in row if c not in COLUMNS]
        errors.append(f"columns: expected the SCDL columns in order (missing {missing}, "
                      f"unknown {extra})")
    value = {c: row.get(c, "") for c in COLUMNS}
    for column, text in value.items():
        if not isinstance(text, str):
            errors.append(f"{column}: not a string")
            value[column] = ""
    for column in FREE_TEXTS:
        text = value[column]
        if text != text.strip() or "\n" in text or "\r" in text:
            errors.append(f"{column}: surrounding spaces or a line break")
        if text.startswith(FORMULA_START):
            errors.append(f"{column}: starts like a spreadsheet formula")
        limit = OBJET_MAX if column == "objet" else TEXT_MAX
        if len(text) > limit:
            errors.append(f"{column}: longer than {limit} characters")
    for column in ("nomAttribuant", "nomBeneficiaire", "objet"):
        if not value[column].strip():
            errors.append(f"{column}: required")
    if not valid_siret(value["idAttribuant"]):
        errors.append("idAttribuant: not a SIRET (14 digits with a valid key)")
    if not _date_ok(value["dateConvention"]):
        errors.append("dateConvention: not a date AAAA-MM-JJ")
    siret, rna = value["idBeneficiaire"], value["rnaBeneficiaire"]
    if not siret and not rna:
        errors.append("idBeneficiaire: a SIRET or an RNA number (rnaBeneficiaire) is required")
    if siret and not valid_siret(siret):
        errors.append("idBeneficiaire: not a SIRET (14 digits with a valid key)")
    if rna and not valid_rna(rna):
        errors.append("rnaBeneficiaire: not an RNA number (W and 9 digits)")
    if not _AMOUNT_RE.fullmatch(value["montant"]) or value["montant"] == "0.00":
        errors.append("montant: not a positive amount with a decimal point and two decimals")
    if value["nature"] not in NATURES:
        errors.append(f"nature: not one of {', '.join(NATURES)}")
    if value["conditionsVersement"] not in PAYMENT_TERMS:
        errors.append(f"conditionsVersement: not one of {', '.join(PAYMENT_TERMS)}")
    period = _PERIOD_RE.fullmatch(value["datesPeriodeVersement"])
    if not period or not all(_date_ok(d) for d in period.groups() if d):
        errors.append("datesPeriodeVersement: not AAAA-MM-JJ or AAAA-MM-JJ/AAAA-MM-JJ")
    elif period.group(2) and period.group(2) < period.group(1):
        errors.append("datesPeriodeVersement: the period ends before it starts")
    if value["notificationUE"] not in NOTIFICATION_UE:
        errors.append("notificationUE: not oui or non")
    share = value["pourcentageSubvention"]
    if not _PERCENT_RE.fullmatch(share) or not _CENT <= Decimal(share) <= 1:
        errors.append("pourcentageSubvention: not a number between 0.01 and 1")
    return errors
