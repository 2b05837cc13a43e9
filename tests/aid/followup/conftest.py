"""Follow-up fixtures: an event's co-funding granted by the committee through the real use
cases (10,000 € of a planned 25,000 €), and the reports' input."""

from __future__ import annotations

from datetime import date

import pytest

from inspir_events.aid.cofunding.reading import DocumentInput, ExpenseInput, RevenueInput
from inspir_events.aid.followup.reading import ReportInput
from tests.aid.conftest import application_input


def report_input(operating: str = "10 000", investment: str = "6 000", **overrides):
    """A final report: the actual expenses (16,000 € by default), revenues, a narrative."""
    values = {
        "narrative": "Le hackathon a réuni **80 habitants** sur deux jours.",
        "expenses": [ExpenseInput("Location et accueil", operating, "operating"),
                     ExpenseInput("Matériel de prototypage", investment, "investment")],
        "revenues": [RevenueInput("co_funder", "Département de la Somme", "8 000")],
        "links": [DocumentInput("Photos", "https://photos.example.org/hackathon")],
    }
    values.update(overrides)
    return ReportInput(**values)


PLANNED = {  # 25,000 € planned, 10,000 € asked of the Region
    "region_share": "10 000",
    "expenses": [ExpenseInput("Location et accueil", "15 000", "operating"),
                 ExpenseInput("Matériel de prototypage", "10 000", "investment")],
    "revenues": [RevenueInput("co_funder", "Département de la Somme", "10 000", True),
                 RevenueInput("own_funds", "Fonds propres", "5 000", True)],
}


@pytest.fixture
def granted_aid(db, submitted_application, committee):
    """The hackathon's co-funding granted: 6,000 € operating + 4,000 € investment on the
    2016 Picardie envelopes, for a planned cost of 25,000 €. Returns the first grant row."""
    from inspir_events.aid.cofunding import decisions
    from inspir_events.aid.cofunding import services as applications

    def build(**overrides):
        application = submitted_application(**{**PLANNED, **overrides})
        decisions.grant(committee, application.id, decisions.GrantInput(
            investment_cents=400_000, operating_cents=600_000))
        return applications.grants_of(application)

    return build


@pytest.fixture
def scheduled_aid(granted_aid, committee):
    """``scheduled_aid(percent=50)``: the granted aid with its schedule set; returns the
    aid's id (its first grant row's)."""
    from inspir_events.aid.followup import services

    def build(percent: int = 50, **overrides):
        rows = granted_aid(**overrides)
        services.schedule(committee, rows[0].id, services.ScheduleInput(
            percent, date(2016, 6, 1), date(2016, 12, 15)))
        return rows[0].id

    return build


__all__ = ["application_input", "report_input"]
