"""Open data of granted aid (SCDL « subventions »).

``GET /aid/open-data/subventions.csv`` and ``.json`` (public, no login: the aid a
public body grants is public): one row per decision, all years or ``?year=``; the
rows are built and checked by :mod:`inspir_events.aid.opendata.scdl`.
"""

from __future__ import annotations

import json

from flask import abort, current_app, request

from inspir_events import limits
from inspir_events.aid.blueprint import bp
from inspir_events.aid.opendata import queries, scdl
from inspir_events.opendata import csv_response


def _year() -> int | None:
    text = request.args.get("year", "")
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not 1900 < int(text) < 3000:
        abort(404)
    return int(text)


def _rows(year: int | None) -> list[dict[str, str]]:
    config = current_app.config
    attribuant = scdl.Attribuant(name=config["REGION_NAME"], siret=config["REGION_SIRET"],
                                 scheme=config["AID_SCHEME_NAME"])
    return queries.subventions(attribuant, year)


@bp.get("/aid/open-data/subventions.csv")
@limits.costly_read
def subventions_csv():
    """Granted aid in the SCDL « subventions » format: CSV, UTF-8, comma, decimal point."""
    year = _year()
    rows = _rows(year)
    filename = f"subventions-inspir-{year}.csv" if year else "subventions-inspir.csv"
    return csv_response(scdl.COLUMNS, ([row[c] for c in scdl.COLUMNS] for row in rows),
                        filename)


@bp.get("/aid/open-data/subventions.json")
@limits.costly_read
def subventions_json():
    """The same rows as JSON objects (columns in the SCDL order)."""
    body = json.dumps(_rows(_year()), ensure_ascii=False, indent=1)
    return current_app.response_class(body, mimetype="application/json")
