"""The innovation store: the catalogue of experiments and their lineage, reproduction."""

from flask import Blueprint

bp = Blueprint("store", __name__)

from inspir_events.store import routes  # noqa: E402,F401  (registers the views on bp)
