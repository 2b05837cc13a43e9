"""The demo's follow-up of an aid (issue 19 §5): an aid paid in two parts, with its final
report, built through the follow-up's use cases as the committee and the organiser would.

The past meeting « Rencontre santé et territoires » was co-funded 9,000 € (6,000 €
operating, 3,000 € investment) on a planned cost of 18,000 € (demo_aid.py). The committee
planned an advance of 50 % (4,500 €), paid it; the event cost 14,000 € in the end, so the
final report brings the Region's share to 7,000 € (50 % of the actual cost): the balance
is 2,500 €, paid, and the 2,000 € never paid go back to the Picardie envelopes.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
from inspir_events.aid.cofunding.reading import DocumentInput, ExpenseInput, RevenueInput
from inspir_events.aid.followup import services
from inspir_events.aid.followup.reading import ReportInput
from inspir_events.aid.models import AidGrant, PaymentPart
from inspir_events.aid.rules import Section
from inspir_events.aid.years import services as years
from inspir_events.extensions import db

REPORT = ReportInput(
    narrative=("La rencontre a réuni **62 habitants et soignants** de Saint-Quentin autour de "
               "trois ateliers. Deux idées ont été retenues pour la suite.\n\n"
               "La salle a été prêtée par la ville : le coût réel est inférieur au budget "
               "prévu."),
    expenses=[ExpenseInput("Animation et facilitation", "8 000", Section.OPERATING.value),
              ExpenseInput("Accueil des participants", "2 000", Section.OPERATING.value),
              ExpenseInput("Matériel de prototypage", "4 000", Section.INVESTMENT.value)],
    revenues=[RevenueInput("co_funder", "Agence régionale de santé", "5 000"),
              RevenueInput("own_funds", "Fonds propres", "2 000")],
    links=[DocumentInput("Compte rendu des ateliers",
                         "https://rencontre-sante.example.org/compte-rendu")])


def seed(users: dict[str, User]) -> AidGrant:
    """The past meeting's co-funding followed up to its end (each use case commits):
    scheduled, its advance paid, its final report filed and accepted, its balance paid."""
    comite, orga = users["comite"], users["orga"]
    application = db.session.scalar(
        select(CofundingApplication).where(CofundingApplication.status
                                           == ApplicationStatus.GRANTED)
        .order_by(CofundingApplication.id))
    grant = db.session.scalar(select(AidGrant).where(
        AidGrant.application_id == application.id).order_by(AidGrant.id))
    today = years.today()
    advance_on, balance_on = today - timedelta(days=35), today - timedelta(days=2)
    services.schedule(comite, grant.id, services.ScheduleInput(50, advance_on, balance_on))
    services.record_payment(comite, grant.id, services.PaymentInput(
        PaymentPart.ADVANCE, 450_000, advance_on))
    services.save_report(orga, grant.id, REPORT, submit=True)
    services.accept_report(comite, grant.id)
    services.record_payment(comite, grant.id, services.PaymentInput(
        PaymentPart.BALANCE, 250_000, balance_on))
    return grant
