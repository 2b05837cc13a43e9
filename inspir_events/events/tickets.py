"""Tickets: a signed token naming a registration, as a QR code an organiser's phone opens.

Issue 17 §5 and DESIGN.md §9. A ticket is the registration's id and its event's id,
signed with the application's secret and the time it was made (itsdangerous, its own
salt: no other link of the platform is a ticket); it carries nothing personal. Its QR
code (segno) holds the absolute address of the registration's check-in page
(``PUBLIC_URL``), so a phone's camera opens it; a forged, altered or too old token
(``TICKET_MAX_AGE``) is refused there. The person sees the QR code on their event page
and « Mes événements », and receives it with their confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from inspir_events.accounts import tokens
from inspir_events.mail import qr
from inspir_events.mail.rendering import absolute_url

SALT = "inspir-event-ticket"


@dataclass(frozen=True)
class Ticket:
    """What a genuine token says: a registration of an event."""

    registration_id: int
    event_id: int


def token_for(registration) -> str:
    """The signed token of ``registration``'s ticket."""
    return tokens.sign(SALT, {"r": registration.id, "e": registration.event_id})


def read(token: str) -> Ticket | None:
    """The ticket a genuine token younger than ``TICKET_MAX_AGE`` names, else None."""
    payload = tokens.read(SALT, token, current_app.config["TICKET_MAX_AGE"])
    if not payload or not isinstance(payload.get("r"), int) or \
            not isinstance(payload.get("e"), int):
        return None
    return Ticket(registration_id=payload["r"], event_id=payload["e"])


def check_in_url(registration) -> str:
    """The absolute address of the registration's check-in page: what the QR code holds."""
    return absolute_url("events.ticket", event_id=registration.event_id,
                        token=token_for(registration))


def png_for(registration) -> bytes:
    """The QR code of ``registration``'s ticket, as a PNG image."""
    return qr.png(check_in_url(registration))
