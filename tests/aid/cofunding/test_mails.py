"""Co-funding decisions by e-mail (issue 17 §3), end to end: the applicant and the event's
organisers receive the grant, the refusal with its reason, the request for changes with
its note, each with the link to the application."""

from __future__ import annotations

from inspir_events.aid.cofunding import decisions
from tests.conftest import text_body


def test_the_decisions_reach_the_organisers(db, submitted_application, committee, organiser,
                                           envelopes_2016, mailbox):
    changes = submitted_application()
    decisions.ask_changes(committee, changes.id, "Précisez le budget de communication.")
    message = mailbox.find(organiser.email, "Modifications demandées")
    assert "Précisez le budget de communication." in text_body(message)
    assert f"http://localhost/events/{changes.event_id}/cofunding" in text_body(message)
    refused = submitted_application()
    decisions.refuse(committee, refused.id, "Le coût dépasse le plafond.")
    message = mailbox.find(organiser.email, "Cofinancement refusé")
    assert "Le coût dépasse le plafond." in text_body(message)
    granted = submitted_application()
    decisions.grant(committee, granted.id, decisions.GrantInput(
        investment_cents=250_000, operating_cents=500_000, note="Bon projet."))
    message = mailbox.find(organiser.email, "Cofinancement accordé")
    assert granted.event.title in str(message["Subject"])
