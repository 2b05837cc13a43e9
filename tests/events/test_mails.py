"""What people registered to an event are told by e-mail (issue 17 §3), end to end: the
real use case writes the message, a real worker delivers it to a real SMTP server on
loopback, and the test reads what the server received: recipient, subject (French by
default, English for an English-speaking person), link, attachments (the calendar file
parses and its SEQUENCE rose after a change; the ticket's QR code decodes to the
registration's check-in address)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from icalendar import Calendar
from sqlalchemy import select

from inspir_events.database import begin_write
from inspir_events.events import participation, services, tickets
from inspir_events.events.models import Registration
from inspir_events.events.rules import RegistrationStatus
from inspir_events.mail import services as mail_services
from inspir_events.mail.rules import MailMode
from inspir_events.notifications.models import Notification
from tests.conftest import attachments, html_body, text_body
from tests.events.qr import decode

ICS = "text/calendar"


def subject(message) -> str:
    """The decoded subject (the header's folding may leave a space before it)."""
    return str(message["Subject"]).strip(" ")


def vevent(message) -> dict:
    """The one VEVENT of the message's calendar file."""
    (name,) = [n for n, (kind, _b, _p) in attachments(message).items() if kind == ICS]
    calendar = Calendar.from_ical(attachments(message)[name][1])
    (event,) = calendar.walk("VEVENT")
    return event


def ticket_url(message) -> str:
    """The address the ticket's QR code (attached, shown inline) holds."""
    kind, png, part = attachments(message)["ticket-inspir.png"]
    assert kind == "image/png" and part["Content-ID"] == "<ticket>"
    assert 'src="cid:ticket"' in html_body(message)
    return decode(png)


def registration_of(db, user, event) -> Registration:
    return db.session.scalar(select(Registration).where(
        Registration.user_id == user.id, Registration.event_id == event.id))


def test_a_confirmed_registration_gets_the_calendar_file_and_the_ticket(
        app, db, make_user, make_event, mailbox, client, login, organiser):
    event = make_event(title="Hackathon des mobilités rurales")
    nadia = make_user("nadia@example.org", display_name="Nadia")
    phone = app.test_client()
    login(organiser, on=phone)  # before the worker writes: logging in writes too
    login(nadia)
    client.post_form(f"/events/{event.id}/register", token_from=f"/events/{event.id}")
    (message,) = mailbox.wait_for("nadia@example.org")
    assert subject(message) == "Vous êtes inscrit·e : Hackathon des mobilités rurales"
    assert "List-Unsubscribe" not in message  # essential
    text = text_body(message)
    assert text.startswith("Bonjour Nadia,") and "La Machinerie" in text
    assert f"http://localhost/events/{event.id}" in text
    item = vevent(message)
    assert str(item["summary"]) == event.title and int(item["sequence"]) == event.sequence
    assert str(item["uid"]) == f"event-{event.id}@inspir-events"
    url = ticket_url(message)
    registration = registration_of(db, nadia, event)
    assert url.startswith(f"http://localhost/events/{event.id}/check-in/")
    assert tickets.read(url.rsplit("/", 1)[1]).registration_id == registration.id
    # The organiser's phone opens it: that registration's check-in.
    page = phone.get(urlsplit(url).path)
    assert page.status_code == 200 and "Nadia" in page.get_data(as_text=True)


def test_an_english_speaking_person_reads_it_in_english(db, make_user, make_event, mailbox):
    event = make_event(title="Mobility hackathon")
    participation.register(make_user("sam@example.org", display_name="Sam", locale="en"),
                           event.id)
    (message,) = mailbox.wait_for("sam@example.org")
    assert subject(message) == "You are registered: Mobility hackathon"
    assert text_body(message).startswith("Hello Sam,")
    assert 'lang="en"' in html_body(message)


def test_the_waitlist_then_the_promotion(db, make_user, make_event, mailbox):
    event = make_event(title="Atelier complet", capacity=1)
    first, second = make_user("first@example.org"), make_user("second@example.org",
                                                              locale="en")
    participation.register(first, event.id)
    participation.register(second, event.id)
    (waiting,) = mailbox.wait_for("second@example.org")
    assert subject(waiting) == "On the waitlist: Atelier complet"
    assert "position 1" in text_body(waiting)
    assert not [a for a in attachments(waiting)]  # no ticket while waiting
    participation.unregister(first, event.id)
    promoted = mailbox.find("second@example.org", "A place opened up")
    assert subject(promoted) == "A place opened up: you are registered to Atelier complet"
    assert tickets.read(ticket_url(promoted).rsplit("/", 1)[1]).registration_id == \
        registration_of(db, second, event).id
    assert str(vevent(promoted)["summary"]) == "Atelier complet"


def test_the_organisers_cancel_a_registration(app, db, make_user, make_event, mailbox, client,
                                              login, organiser):
    event = make_event(title="Rencontre santé")
    nadia = make_user("nadia@example.org")
    login(organiser)  # before the worker writes: logging in writes too
    participation.register(nadia, event.id)
    registration = registration_of(db, nadia, event)
    page = f"/events/{event.id}/registrations"
    response = client.post_form(
        f"/events/{event.id}/registrations/{registration.id}/cancel", token_from=page)
    assert response.status_code == 303
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CANCELLED
    cancelled = mailbox.find("nadia@example.org", "Votre inscription est annulée")
    assert subject(cancelled) == "Votre inscription est annulée : Rencontre santé"
    assert f"http://localhost/events/{event.id}" in text_body(cancelled)
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == nadia.id)) == "registration.cancelled"
    # Only the event's organisers may: anyone else is refused, nothing changes.
    again = client.post_form(f"/events/{event.id}/registrations/{registration.id}/cancel",
                             token_from=page)
    assert again.status_code == 303  # already cancelled: said, back to the list


def test_a_change_of_date_or_venue_sends_the_updated_calendar_file(
        db, make_user, make_event, mailbox, organiser, outbox):
    event = make_event(title="Hackathon de Laon", capacity=1)
    confirmed, waiting = make_user("c@example.org"), make_user("w@example.org")
    participation.register(confirmed, event.id)
    participation.register(waiting, event.id)
    confirmation = mailbox.find("c@example.org", "Vous êtes inscrit")
    before = int(vevent(confirmation)["sequence"])
    data = services.EventInput(
        title=event.title, kind=event.kind, description="Un autre texte.",
        starts_at=event.starts_at, ends_at=event.ends_at, venue_name=event.venue_name,
        venue_address=event.venue_address, venue_commune=event.venue_commune,
        department_code=event.department_code, run_by=event.run_by, capacity=1)
    services.update(organiser, event.id, data)  # only the description: nobody is told
    data.starts_at += timedelta(days=1)
    data.ends_at += timedelta(days=1)
    data.venue_name = "Le Familistère"
    services.update(organiser, event.id, data)
    changed = mailbox.find("c@example.org", "Modifié")
    changed_w = mailbox.find("w@example.org", "Modifié")
    for message in (changed, changed_w):
        assert subject(message) == "Modifié : Hackathon de Laon"
        assert "la date et le lieu" in text_body(message)
        assert "Le Familistère" in text_body(message)
        item = vevent(message)
        assert int(item["sequence"]) > before
        assert "Le Familistère" in str(item["location"])
    assert "liste d'attente" in text_body(changed_w)
    # The description alone told nobody: one change, one message each.
    assert sorted(m.recipient for m in outbox(kind="event.changed")) == \
        ["c@example.org", "w@example.org"]


def test_a_cancelled_event_is_told_with_a_cancelled_calendar_entry(
        db, make_user, make_event, mailbox, organiser):
    event = make_event(title="Forum annulé")
    nadia = make_user("nadia@example.org", locale="en")
    begin_write()
    mail_services.set_mode(nadia.id, "event.cancelled", MailMode.NEVER)  # essential anyway
    db.session.commit()
    participation.register(nadia, event.id)
    services.cancel(organiser, event.id)
    cancelled = mailbox.find("nadia@example.org", "Cancelled")
    assert subject(cancelled) == "Cancelled: Forum annulé"
    item = vevent(cancelled)
    assert str(item["status"]) == "CANCELLED" and int(item["sequence"]) >= 1
