"""The public co-funding simulator (JSON, read-only, no login)."""

from __future__ import annotations

from flask import jsonify, request

from inspir_events.aid import simulator
from inspir_events.aid.blueprint import bp


def _answer(check):
    try:
        return jsonify(check(request.args))
    except simulator.SimulatorError as exc:
        body = {"eligible": False, "violations": simulator.violations_json(exc.violations)}
        return jsonify(body), exc.status


@bp.get("/api/v1/aid/cofunding-check")
def cofunding_check():
    """Is a third-party event's co-funding within the rules? (50 %, 12,500 €)."""
    return _answer(simulator.cofunding_check)


@bp.get("/api/v1/aid/grant-check")
def grant_check():
    """Are a project's grants within the caps, counting what it already received?"""
    return _answer(simulator.grant_check)
