"""Communes as one types (thin view): what static/js/communes.js lists under a commune field.

Public reference data (Licence Ouverte), read-only: a GET with no state. Not under the
costly reads' limit: a person typing asks for it at each pause, and it reads one small table.
"""

from __future__ import annotations

from flask import jsonify, request

from inspir_events.reference import rules, services
from inspir_events.reference.blueprint import bp

SUGGESTIONS = 10


@bp.route("/territories/communes")
def communes():
    """Up to SUGGESTIONS communes whose name contains ``q`` (those starting with it first),
    in ``department`` when given: code, name, the text the field takes, the EPCI."""
    found = services.suggest_communes(request.args.get("q", "")[:100],
                                      request.args.get("department") or None, SUGGESTIONS)
    response = jsonify([{"code": c.code, "name": c.name, "department": c.department_code,
                         "label": rules.label(c.name, c.code), "epci": c.epci_siren}
                        for c in found])
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
