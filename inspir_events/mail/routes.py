"""Mail pages: the one-click unsubscribe (RFC 8058) and the development mailbox."""

from __future__ import annotations

from flask import abort, render_template

from inspir_events.extensions import csrf
from inspir_events.mail import devbox, kinds, services
from inspir_events.mail import unsubscribe as links
from inspir_events.mail.blueprint import bp


def _kind_of(token: str):
    """The genuine token's (user id, kind), or 404 (forged, or nothing to stop)."""
    found = links.read(token)
    if found is None:
        abort(404)
    spec = kinds.kinds().get(found[1])
    if spec is None or spec.essential:
        abort(404)
    return found, spec


@bp.route("/mail/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """The link opened in a browser: the button that stops this kind of message."""
    _found, spec = _kind_of(token)
    return render_template("mail/pages/unsubscribe.html", kind=spec, token=token, done=False)


@bp.route("/mail/unsubscribe/<token>", methods=["POST"])
@csrf.exempt  # RFC 8058: the mail client posts without a session; the signed token is the proof
def unsubscribe(token: str):
    """The one-click unsubscribe (the mail client's POST, or the page's button)."""
    (user_id, kind), spec = _kind_of(token)
    services.unsubscribe_from(user_id, kind)
    return render_template("mail/pages/unsubscribe.html", kind=spec, token=token, done=True)


@bp.route("/dev/mail")
def dev_mailbox():
    """Development: the messages written as .eml files, newest first."""
    if not devbox.enabled():
        abort(404)
    letters = [letter for letter in map(devbox.read, devbox.names()) if letter is not None]
    return render_template("mail/pages/mailbox.html", letters=letters,
                           directory=devbox.mail_dir())


@bp.route("/dev/mail/<name>")
def dev_message(name: str):
    """Development: one written message, its links clickable."""
    letter = devbox.read(name) if devbox.enabled() else None
    if letter is None:
        abort(404)
    return render_template("mail/pages/message.html", letter=letter,
                           pieces=devbox.pieces(letter.text))
