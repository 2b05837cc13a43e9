"""The public co-funding simulator (JSON, read-only, no login) and the envelopes dashboard."""

from __future__ import annotations

from flask import abort, jsonify, render_template, request
from flask_login import current_user

from inspir_events.aid import envelopes as envelope_services
from inspir_events.aid import rules, simulator
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


@bp.get("/aid/envelopes")
def envelopes():
    """Public totals per envelope; committee members and admins also see the decisions."""
    year = request.args.get("year", rules.LATEST_YEAR, type=int)
    if year not in rules.POLICIES:
        abort(404)
    with_decisions = envelope_services.can_see_decisions(current_user)
    board = envelope_services.dashboard(year, with_decisions=with_decisions)
    return render_template("aid/envelopes.html", board=board, with_decisions=with_decisions,
                           years=sorted(rules.POLICIES))
