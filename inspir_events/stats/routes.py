"""The public statistics page: counts only, charts drawn on the server. Thin views."""

from __future__ import annotations

from flask import abort, render_template, request

from inspir_events import limits
from inspir_events.aid.years import services as aid_years
from inspir_events.pagecache import public_fragment
from inspir_events.stats import evaluation_page, presentation, queries
from inspir_events.stats.blueprint import bp


def _body(year: int | None) -> str:
    stats = queries.public_statistics(year)
    return render_template("stats/_body.html", page=presentation.page(stats),
                           evaluation=evaluation_page.page(stats.evaluation))


@bp.get("/statistics")
@limits.costly_read
def statistics():
    """Needs, events, participants, ideas, projects; the programme's evaluation and the
    money of one budget year.

    The page's body holds no personal data and is the same for every visitor, so it
    is kept BOARD_CACHE_SECONDS per language and year, as the need boards are.
    """
    year = request.args.get("year", type=int)
    if "year" in request.args and year not in aid_years.opened_years():
        abort(404)
    body = public_fragment("statistics", lambda: _body(year))
    return render_template("stats/statistics.html", body=body)
