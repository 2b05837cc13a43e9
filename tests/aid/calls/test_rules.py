"""The calls' pure rules (no app): the dates, what a call allows, the lines."""

from __future__ import annotations

from datetime import datetime

from inspir_events.aid.calls import rules
from inspir_events.aid.calls.rules import Asked, CallStatus, Kind, Line
from inspir_events.aid.rules import Section

OPENS, CLOSES = datetime(2027, 3, 1, 9), datetime(2027, 4, 1, 12)


def test_a_call_accepts_between_its_dates_only_when_open():
    assert rules.accepting(CallStatus.OPEN, OPENS, CLOSES, OPENS)
    assert not rules.accepting(CallStatus.OPEN, OPENS, CLOSES, CLOSES)  # closing excluded
    assert not rules.accepting(CallStatus.DRAFT, OPENS, CLOSES, datetime(2027, 3, 5))
    assert rules.overdue(CallStatus.OPEN, CLOSES, CLOSES)
    assert rules.dates_problem(CLOSES, OPENS).code == "dates_order"


def test_what_a_call_allows():
    assert rules.allowed(Kind.STRUCTURE, False, True)
    assert not rules.allowed(Kind.EXPERIMENTATION, False, True)


def test_the_lines_add_up_per_section_or_in_all():
    lines = [Line("Animation", 400_000, Section.OPERATING),
             Line("Matériel", 100_000, Section.INVESTMENT)]
    assert rules.check_lines(Kind.EXPERIMENTATION, Asked(400_000, 100_000), lines).ok
    verdict = rules.check_lines(Kind.EXPERIMENTATION, Asked(400_000, 200_000), lines)
    assert [v.params["field"] for v in verdict.violations] == ["investment"]
    assert rules.check_lines(Kind.STRUCTURE, Asked(structure_cents=500_000), lines).ok
    assert [v.code for v in rules.check_lines(Kind.STRUCTURE, Asked(), []).violations] == [
        "nothing_asked", "no_line"]
