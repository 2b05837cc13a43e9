"""Label decisions by e-mail (issue 17 §3), end to end: every organiser of the event is
told (not only who asked), in their language, with the link to the event."""

from __future__ import annotations

from inspir_events.events import services as events
from inspir_events.labels import services
from tests.conftest import text_body


def test_the_decision_goes_to_every_organiser_of_the_event(
        db, organiser, make_event, make_user, answers, member, mailbox):
    event = make_event(title="Atelier labellisable")
    co = make_user("co@example.org", display_name="Co Organisateur", locale="en")
    events.add_organiser(organiser, event.id, co.email)
    request = events.request_label(organiser, event.id, answers, f"/events/{event.id}")
    services.decide(member, request.id, False, "La co-construction n'est pas décrite.")
    for address, words in ((organiser.email, "Le label INS'pir est refusé"),
                           (co.email, "The INS'pir label is refused")):
        message = mailbox.find(address, words)
        assert "La co-construction n'est pas décrite." in text_body(message)
        assert f"http://localhost/events/{event.id}" in text_body(message)
    other = make_event(title="Atelier suivant")
    request = events.request_label(organiser, other.id, answers, f"/events/{other.id}")
    services.decide(member, request.id, True, "Très bien.")
    granted = mailbox.find(organiser.email, "Le label INS'pir est attribué")
    assert "Atelier suivant" in str(granted["Subject"])
