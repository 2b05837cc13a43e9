"""A need as open data: the JSON-ready dict behind the API's needs, /needs.json and
/needs.csv (one set of fields; datetimes in ISO 8601 UTC with "Z"; never personal data)."""

from __future__ import annotations

from inspir_events.needs.models import Need
from inspir_events.reference import services as reference
from inspir_events.timeutil import iso_utc
from inspir_events.urls import remembered_external_url_for

NEED_COLUMNS = ("id", "title", "description", "department", "former_region", "commune",
                "commune_code", "theme", "status", "tags", "supporters_count", "created_at", "url")


def need_item(need: Need, tags: list[str] | None = None) -> dict:
    """``tags``: the need's tags when read for a whole page (needs.services.board_rows). The
    department's former region comes from the reference rows kept per process (no related
    object loaded with each need)."""
    return {
        "id": need.id,
        "title": need.title,
        "description": need.description,
        "department": need.department_code,
        "former_region": reference.former_regions()[need.department_code].value,
        "commune": need.commune,
        "commune_code": need.commune_code,  # INSEE code, when the commune is in the list
        "theme": need.theme_code,
        "status": need.status.value,
        "tags": list(need.tags if tags is None else tags),
        "supporters_count": need.supporters_count,
        "created_at": iso_utc(need.created_at),
        "url": remembered_external_url_for("needs.detail", need_id=need.id),
    }
