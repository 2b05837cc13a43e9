"""The kinds of message, declared by the features that send them.

The mail package sits below every feature and names none of them. A feature declares
each kind it sends (``declare(bp, MailKind(...))``, registered with its blueprint and kept
on the application, as the personal-data register is): its name ("account.verify"), the
title people read (on the unsubscribe page, the admins' page), its subject, and whether
it is *essential* (always sent: confirming an address, resetting a password) or may be
switched off by the person (``List-Unsubscribe``, RFC 8058), and the group the
preferences page (« Mes notifications ») lists it in. Its text and HTML bodies are
``templates/mail/<template>.txt`` and ``.html``, each extending the base layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, current_app

EXTENSION_KEY = "inspir_mail_kinds"


@dataclass(frozen=True)
class MailKind:
    """One kind of message. ``subject`` may hold ``%(name)s`` placeholders filled from the
    message's context; ``template`` defaults to the name with dots as underscores."""

    name: str
    title: object  # a lazy string
    subject: object  # a lazy string
    essential: bool = True
    template: str = ""
    # The heading the preferences page lists it under (a lazy string; None: "Other").
    group: object = None
    # False for a kind that is a digest itself: no "daily digest" choice, sent at once.
    digestible: bool = True

    @property
    def template_name(self) -> str:
        return self.template or self.name.replace(".", "_")


def kinds(app: Flask | None = None) -> dict[str, MailKind]:
    """The kinds declared on ``app`` (by default the current application), by name."""
    app = app or current_app._get_current_object()
    return app.extensions.setdefault(EXTENSION_KEY, {})


def add(app: Flask, kind: MailKind) -> None:
    """Declare ``kind`` on ``app`` (once: a name is never declared twice)."""
    declared = kinds(app)
    if kind.name in declared:
        raise ValueError(f"mail kind declared twice: {kind.name}")
    declared[kind.name] = kind


def declare(bp: Blueprint, *declared: MailKind) -> None:
    """Declare a feature's kinds, registered with its blueprint ``bp``."""
    for kind in declared:
        bp.record_once(lambda state, kind=kind: add(state.app, kind))


def get(name: str) -> MailKind:
    """The kind ``name``; an unknown name is a programming error."""
    try:
        return kinds()[name]
    except KeyError:
        raise ValueError(f"unknown mail kind {name!r}") from None
