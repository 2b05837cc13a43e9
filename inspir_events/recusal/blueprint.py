"""The recusal blueprint: ``bp``, with the declaration's view registered by importing it."""

from flask import Blueprint

bp = Blueprint("recusal", __name__)

from inspir_events.recusal import routes  # noqa: E402,F401  (register on bp)
