"""The aid blueprint ``bp``, on which the sub-packages' route modules register their views
(:mod:`inspir_events.aid.views` imports them all, so no sub-package reaches another
through the blueprint)."""

from flask import Blueprint

bp = Blueprint("aid", __name__)
