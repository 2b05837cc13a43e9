"""Follow-up helpers: a final report's input (the granted and scheduled aid fixtures are in
tests/aid/conftest.py, shared with the SCDL export's tests)."""

from __future__ import annotations

from inspir_events.aid.cofunding.reading import DocumentInput, ExpenseInput, RevenueInput
from inspir_events.aid.followup.reading import ReportInput


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


__all__ = ["report_input"]
