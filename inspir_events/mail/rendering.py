"""A message as its recipient reads it: their language, absolute links, text and HTML.

Issue 17 §1: every message is in its recipient's language (their stored locale, French
by default), its text and HTML bodies come from ``templates/mail/`` (one base layout and
a pair per kind), and its links are absolute: ``PUBLIC_URL`` followed by the route's path
(``urls.path_for``), never written by hand. A daily digest (§4) tells each message it
carries by its *content*: :func:`content` cuts it out of the rendered bodies (the text
before its signature, the HTML between the base layout's content markers), without its
"Hello NAME," line, said once by the digest.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from markupsafe import Markup, escape

from inspir_events.mail.kinds import MailKind
from inspir_events.urls import path_for


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def public_url() -> str:
    """The address the platform is reached at, without a trailing slash."""
    return (current_app.config.get("PUBLIC_URL") or "http://localhost").rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    """The absolute link to a route, for a message (``PUBLIC_URL`` + its path)."""
    return public_url() + path_for(endpoint, **values)


def language_of(user) -> str:
    """The recipient's language: their stored locale when the platform speaks it, else
    the default (French)."""
    languages = current_app.config["LANGUAGES"]
    locale = getattr(user, "locale", None)
    return locale if locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def message_id() -> str:
    """A new Message-ID, unique and kept for every attempt of one message."""
    host = urlsplit(public_url()).hostname or "localhost"
    return f"<{uuid.uuid4().hex}@{host}>"


def render(kind: MailKind, language: str, context: dict) -> Rendered:
    """The subject and both bodies of a message of ``kind`` in ``language``."""
    with force_locale(language):
        subject = str(kind.subject) % context if context else str(kind.subject)
        values = dict(context, subject=subject, language=language, public_url=public_url(),
                      home_url=absolute_url("main.index"))
        text = render_template(f"mail/{kind.template_name}.txt", **values)
        html = render_template(f"mail/{kind.template_name}.html", **values)
    return Rendered(subject=" ".join(subject.split()), text=text.strip() + "\n", html=html)


SIGNATURE = "\n-- \n"  # the text layout's signature separator (mail/base.txt)
HTML_CONTENT = ("<!-- content -->", "<!-- /content -->")  # around mail/base.html's content


def content(text: str, html: str, language: str, name: str) -> tuple[str, Markup]:
    """A rendered message's own content, as a digest shows it: its text before the
    signature and its HTML between the layout's markers, without its greeting."""
    with force_locale(language):
        greeting = gettext("Hello %(name)s,", name=name)
    body = text.split(SIGNATURE, 1)[0].strip()
    if body.startswith(greeting):
        body = body[len(greeting):].strip()
    start, end = HTML_CONTENT
    part = html.split(start, 1)[-1].split(end, 1)[0].strip()
    opening = f"<p>{escape(greeting)}</p>"
    if part.startswith(opening):
        part = part[len(opening):].strip()
    return body, Markup(part)  # noqa: S704  # nosec B704 # our own autoescaped template
