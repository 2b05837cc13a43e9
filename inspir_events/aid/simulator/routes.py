"""The public simulator's doors (JSON, read-only, no login): may this event be co-funded,
may this project receive these grants?"""

from __future__ import annotations

from flask import jsonify, request

from inspir_events.aid.blueprint import bp
from inspir_events.aid.messages import violations_json
from inspir_events.aid.simulator import services


def _answer(check):
    try:
        return jsonify(check(request.args))
    except services.SimulatorError as exc:
        body = {"eligible": False, "violations": violations_json(exc.violations)}
        return jsonify(body), exc.status


@bp.get("/api/v1/aid/cofunding-check")
def cofunding_check():
    """Is a third-party event's co-funding within the rules? (50 %, 12,500 €)."""
    return _answer(services.cofunding_check)


@bp.get("/api/v1/aid/grant-check")
def grant_check():
    """Are a project's grants within the caps, counting what it already received?"""
    return _answer(services.grant_check)
