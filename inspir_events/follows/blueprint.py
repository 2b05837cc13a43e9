"""The follows blueprint: ``bp``, with the follow button's view, the profile's list of
what one follows and its part of people's accounts (personal.py) registered by
importing their modules."""

from flask import Blueprint

bp = Blueprint("follows", __name__)

from inspir_events.follows import personal, routes  # noqa: E402,F401  (register on bp)
