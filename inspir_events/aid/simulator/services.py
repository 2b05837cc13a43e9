"""The public simulator: query strings in, verdicts out as JSON-ready dicts.

Reads the query parameters (amounts in integer cents), runs the money rules
(:mod:`inspir_events.aid.rules`: a third-party event's co-funding, a project's
grants) and gives each violation's message in the request's language
(:func:`inspir_events.aid.messages.message`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from inspir_events.aid import rules
from inspir_events.aid.messages import violations_json
from inspir_events.aid.rules import N_
from inspir_events.aid.years import services as years

_CENTS_RE = re.compile(r"-?[0-9]{1,15}")

INVALID_PARAMETER = "invalid_parameter"
REGION_LED_MESSAGE = N_("region_led must be 0 or 1.")
YEAR_MESSAGE = N_("year must be a budget year, such as 2016.")


class SimulatorError(Exception):
    """The question cannot be answered: HTTP ``status`` with ``violations``."""

    def __init__(self, status: int, violations: list[rules.Violation]):
        super().__init__(", ".join(v.code for v in violations))
        self.status = status
        self.violations = violations


def _cents(args: Mapping[str, str], name: str, field: str, *, required: bool,
           problems: list[rules.Violation]) -> int:
    """An integer of cents from the query; an unparsable one is an invalid_amount."""
    raw = args.get(name)
    if raw is None or raw == "":
        if not required:
            return 0
    elif _CENTS_RE.fullmatch(raw.strip()):
        return int(raw.strip())
    problems.append(rules.invalid_amount(field))
    return 0


def _policy(args: Mapping[str, str]) -> rules.Policy:
    """The rules of the year asked for, else of the latest year in force."""
    raw = args.get("year")
    if raw is None or raw == "":
        year = years.latest_year()
    elif not re.fullmatch(r"[0-9]{4}", raw.strip()):
        raise SimulatorError(400, [rules.Violation(INVALID_PARAMETER, YEAR_MESSAGE,
                                                   {"field": "year"})])
    else:
        year = int(raw)
    try:
        return years.policy_for(year)
    except rules.UnknownYear as exc:
        raise SimulatorError(404, [rules.Violation(exc.code, exc.message, exc.params)]) from None


def _flag(args: Mapping[str, str], name: str, problems: list[rules.Violation]) -> bool:
    raw = (args.get(name) or "0").strip()
    if raw not in ("0", "1"):
        problems.append(rules.Violation(INVALID_PARAMETER, REGION_LED_MESSAGE, {"field": name}))
    return raw == "1"


def _raise_if(problems: list[rules.Violation]) -> None:
    if problems:
        raise SimulatorError(400, problems)


def cofunding_check(args: Mapping[str, str]) -> dict:
    """The verdict on an event's co-funding; :class:`SimulatorError` for bad input."""
    problems: list[rules.Violation] = []
    total = _cents(args, "total_cost_cents", "total_cost", required=True, problems=problems)
    share = _cents(args, "region_share_cents", "region_share", required=True, problems=problems)
    others = _cents(args, "other_revenues_cents", "other_revenues", required=False,
                    problems=problems)
    region_led = _flag(args, "region_led", problems)
    _raise_if(problems)
    policy = _policy(args)
    verdict = rules.check_event_cofunding(total, share, others, region_led, policy)
    if rules.INVALID_AMOUNT in verdict.codes:  # negative amounts, a zero total cost
        raise SimulatorError(400, list(verdict.violations))
    return {"eligible": verdict.eligible,
            "max_region_share_cents": verdict.max_region_share_cents,
            "year": policy.year, "rules_version": policy.version,
            "violations": violations_json(verdict.violations)}


def grant_check(args: Mapping[str, str]) -> dict:
    """The verdict on a project's grants; :class:`SimulatorError` for bad input."""
    problems: list[rules.Violation] = []
    asked = {kind: _cents(args, f"{kind}_cents", kind, required=False, problems=problems)
             for kind in ("operating", "investment", "structure")}
    received = rules.Received(*(
        _cents(args, f"received_{kind}_cents", f"received_{kind}", required=False,
               problems=problems)
        for kind in ("operating", "investment", "structure")))
    _raise_if(problems)
    policy = _policy(args)
    verdict = rules.check_grants(asked["operating"], asked["investment"], asked["structure"],
                                 received, policy)
    if rules.INVALID_AMOUNT in verdict.codes:
        raise SimulatorError(400, list(verdict.violations))
    return {"eligible": verdict.eligible,
            "max_operating_cents": verdict.max_operating_cents,
            "max_investment_cents": verdict.max_investment_cents,
            "max_structure_cents": verdict.max_structure_cents,
            "year": policy.year, "rules_version": policy.version,
            "violations": violations_json(verdict.violations)}
