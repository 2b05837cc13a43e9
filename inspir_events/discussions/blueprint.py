"""The discussions blueprint: ``bp``, with its views, the message followers receive
(mails.py) and its part of people's accounts (personal.py) registered by importing
their modules."""

from flask import Blueprint

bp = Blueprint("discussions", __name__)

from inspir_events.discussions import mails, personal, routes  # noqa: E402,F401
