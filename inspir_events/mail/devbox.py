"""The development mailbox: the ``.eml`` files the worker writes without an SMTP server,
read back for the development-only page (``/dev/mail``).

Development only: it exists when no ``MAIL_SERVER`` is set, which production refuses.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
from dataclasses import dataclass

from flask import current_app

from inspir_events.mail.transport import EML_NAME, mail_dir

URL = re.compile(r"https?://[^\s<>\"']+")
LISTED = 200


@dataclass(frozen=True)
class Letter:
    """One written message, as the page shows it."""

    name: str
    subject: str
    to: str
    date: str
    message_id: str
    headers: list[tuple[str, str]]
    text: str
    source: str


def enabled() -> bool:
    """The mailbox exists when messages are written to files (no MAIL_SERVER), never in
    production."""
    cfg = current_app.config
    return not cfg.get("MAIL_SERVER") and cfg.get("NAME") != "production"


def names() -> list[str]:
    """The written messages' file names, newest first."""
    directory = mail_dir()
    if not os.path.isdir(directory):
        return []
    return sorted((n for n in os.listdir(directory) if EML_NAME.match(n)), reverse=True)[:LISTED]


def read(name: str) -> Letter | None:
    """The message in file ``name`` (a name the worker writes), or None."""
    if not EML_NAME.match(name):
        return None
    path = os.path.join(mail_dir(), name)
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as source:
        data = source.read()
    message = email.message_from_bytes(data, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    return Letter(name=name, subject=str(message["Subject"] or ""), to=str(message["To"] or ""),
                  date=str(message["Date"] or ""), message_id=str(message["Message-ID"] or ""),
                  headers=[(k, str(v)) for k, v in message.items()],
                  text=body.get_content() if body is not None else "",
                  source=data.decode("utf-8", "replace"))


def pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is a web address) pairs: the page makes the addresses links
    (the template escapes every piece)."""
    parts, last = [], 0
    for match in URL.finditer(text):
        parts += [(text[last:match.start()], False), (match.group(0), True)]
        last = match.end()
    return [*parts, (text[last:], False)]
