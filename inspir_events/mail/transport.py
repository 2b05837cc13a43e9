"""Where messages go: an SMTP server (Flask-Mailman), or ``.eml`` files in development.

With ``MAIL_SERVER`` set, a batch of messages is sent over one SMTP connection (the
``MAIL_*`` settings: port, STARTTLS or implicit TLS, login). Without it (development:
production refuses to start so), each message is written to ``MAIL_FILE_DIR``
(``instance/mail/`` by default) as a ``.eml`` file that any mail client opens, listed on
the development mailbox page (``/dev/mail``).
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass, field
from email import encoders
from email.mime.base import MIMEBase

from flask import current_app
from flask_mailman import EmailMultiAlternatives

from inspir_events.extensions import mailman
from inspir_events.mail import qr
from inspir_events.timeutil import utcnow

EML_NAME = re.compile(r"^[0-9TZ-]+-\d+\.eml$")


@dataclass(frozen=True)
class Outgoing:
    """A claimed message, as the worker sends it (read once, at the claim)."""

    id: int
    kind: str
    recipient: str
    subject: str
    body_text: str
    body_html: str
    message_id: str
    attempts: int
    claimed_by: str
    headers: dict = field(default_factory=dict)
    attachments: list = field(default_factory=list)


def build(message: Outgoing) -> EmailMultiAlternatives:
    """The MIME message: text and HTML alternatives, attachments, the stable Message-ID
    and the message's own headers (List-Unsubscribe...)."""
    headers = {"Message-ID": message.message_id, "Auto-Submitted": "auto-generated",
               **message.headers}
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body_text,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"], to=[message.recipient],
        headers=headers)
    email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        content = (qr.png(attachment["qr"]) if "qr" in attachment
                   else base64.b64decode(attachment["content"]))
        if attachment.get("inline_id"):
            email.attach(inline_part(attachment, content))
        else:
            email.attach(attachment["filename"], content, attachment["mimetype"])
    return email


def inline_part(attachment: dict, content: bytes) -> MIMEBase:
    """An attachment the HTML body also shows (``cid:`` + its ``inline_id``)."""
    part = MIMEBase(*attachment["mimetype"].split("/", 1))
    part.set_payload(content)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "inline", filename=attachment["filename"])
    part.add_header("Content-ID", f"<{attachment['inline_id']}>")
    return part


def mail_dir() -> str:
    """The development mailbox's folder."""
    return (current_app.config.get("MAIL_FILE_DIR")
            or os.path.join(current_app.instance_path, "mail"))


class SmtpTransport:
    """One SMTP connection for a batch, opened again after an error."""

    def __init__(self):
        cfg = current_app.config
        self.connection = mailman.get_connection(
            backend="smtp", host=cfg["MAIL_SERVER"], port=cfg["MAIL_PORT"],
            username=cfg.get("MAIL_USERNAME") or "", password=cfg.get("MAIL_PASSWORD") or "",
            use_tls=bool(cfg.get("MAIL_USE_TLS")), use_ssl=bool(cfg.get("MAIL_USE_SSL")),
            timeout=cfg.get("MAIL_TIMEOUT"))

    def send(self, message: Outgoing) -> None:
        """Send one message; an SMTP or network error is raised (the caller records it)."""
        if not self.connection.send_messages([build(message)]):
            raise OSError("the message has no recipient")

    def reset(self) -> None:
        """Drop the connection after an error: the next message opens a new one."""
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - it is being dropped anyway
            self.connection.connection = None

    def close(self) -> None:
        self.reset()


class FileTransport:
    """Development: each message becomes ``<time>-<id>.eml`` in :func:`mail_dir`."""

    def __init__(self):
        self.directory = mail_dir()

    def send(self, message: Outgoing) -> None:
        os.makedirs(self.directory, exist_ok=True)
        name = f"{utcnow().strftime('%Y%m%dT%H%M%S')}Z-{message.id}.eml"
        path = os.path.join(self.directory, name)
        temporary = path + ".tmp"
        with open(temporary, "wb") as out:
            out.write(build(message).message().as_bytes())
        os.replace(temporary, path)  # a reader never sees half a message

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


def open_transport() -> SmtpTransport | FileTransport:
    """SMTP when ``MAIL_SERVER`` is set, the development mailbox otherwise."""
    if current_app.config.get("MAIL_SERVER"):
        return SmtpTransport()
    return FileTransport()
