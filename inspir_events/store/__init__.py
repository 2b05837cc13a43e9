"""The innovation store: the catalogue of experiments and their lineage, reproduction;
the support structures' public pages and the label of structures and projects."""

from flask import Blueprint

bp = Blueprint("store", __name__)

from inspir_events.store import routes, structure_routes  # noqa: E402,F401  (views on bp)
