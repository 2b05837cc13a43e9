"""Query-string parsing and page envelopes of the public JSON API.

Every list answers ``{"items": [...], "page": n, "per_page": n, "total": n, "next": url|null}``:
``page`` is 1 or more, ``per_page`` between 1 and :data:`PER_PAGE_MAX` (the issue: at most
100 per page), :data:`PER_PAGE_DEFAULT` when absent. A malformed or out-of-range parameter
is refused with 400 and ``{"error": {"code": "invalid_parameter", "message": ...,
"parameter": name}}``, the message in the request's language (French by default), as the
co-funding simulator (``/api/v1/aid/*``) answers its own invalid parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask import request, url_for
from flask_babel import gettext

from inspir_events.database import ID_MAX
from inspir_events.i18n import N_

PER_PAGE_DEFAULT = 20
PER_PAGE_MAX = 100
PAGE_MAX = 10_000_000  # far past any last page; keeps offsets within the database's integers
YEAR_MIN, YEAR_MAX = 1900, 2999  # dates outside would overflow the time zone conversions
QUERY_MAX = 200  # characters of a search, as the boards keep

INVALID_PARAMETER = "invalid_parameter"
NOT_FOUND = "not_found"

_INTEGER_RE = re.compile(r"[0-9]{1,12}")
CODE_PATTERN = r"[A-Za-z0-9_.+\-]{1,40}"  # departments, themes, licences (SPDX ids)
_CODE_RE = re.compile(CODE_PATTERN)

# Messages (msgids, translated when the answer is built).
INTEGER_MESSAGE = N_("%(name)s must be a whole number between %(min)d and %(max)d.")
CHOICE_MESSAGE = N_("%(name)s must be one of: %(choices)s.")
CODE_MESSAGE = N_("%(name)s must be a code of at most 40 letters, digits or . + - _.")
DATE_MESSAGE = N_("%(name)s must be a date written YYYY-MM-DD, between %(min)d and %(max)d.")
FLAG_MESSAGE = N_("%(name)s must be 0 or 1.")
TEXT_MESSAGE = N_("%(name)s must have at most %(max)d characters.")
RANGE_MESSAGE = N_("%(name)s must not come before %(other)s.")
# Already in the catalogues: the site's own 404 page says it.
NOT_FOUND_MESSAGE = N_("This page does not exist or is no longer public.")


class ApiError(Exception):
    """A request the API refuses: HTTP ``status``, a stable ``code``, a message (a msgid
    with its parameters, translated when shown) and the query parameter at fault."""

    def __init__(self, status: int, code: str, message: str, parameter: str | None = None,
                 **params):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter
        self.params = params

    def as_json(self) -> dict:
        error = {"code": self.code, "message": gettext(self.message, **self.params)}
        if self.parameter is not None:
            error["parameter"] = self.parameter
        return {"error": error}


def invalid(name: str, message: str, **params) -> ApiError:
    return ApiError(400, INVALID_PARAMETER, message, name, name=name, **params)


def not_found() -> ApiError:
    return ApiError(404, NOT_FOUND, NOT_FOUND_MESSAGE)


def _raw(args: Mapping[str, str], name: str) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def integer(args: Mapping[str, str], name: str, default: int | None, low: int,
            high: int) -> int | None:
    """A whole number between ``low`` and ``high``; ``default`` when absent."""
    raw = _raw(args, name)
    if raw is None:
        return default
    if not _INTEGER_RE.fullmatch(raw) or not low <= int(raw) <= high:
        raise invalid(name, INTEGER_MESSAGE, min=low, max=high)
    return int(raw)


def identifier(args: Mapping[str, str], name: str) -> int | None:
    """An optional id (1 to the database's largest)."""
    return integer(args, name, None, 1, ID_MAX)


def choice(args: Mapping[str, str], name: str, allowed: Iterable[str],
           default: str | None = None) -> str | None:
    """One of ``allowed`` (exact), ``default`` when absent."""
    raw = _raw(args, name)
    allowed = tuple(allowed)
    if raw is None:
        return default
    if raw not in allowed:
        raise invalid(name, CHOICE_MESSAGE, choices=", ".join(allowed))
    return raw


def code(args: Mapping[str, str], name: str) -> str | None:
    """A reference code (department, theme, licence): unknown codes simply match nothing,
    as on the pages; only a malformed one is refused."""
    raw = _raw(args, name)
    if raw is None:
        return None
    if not _CODE_RE.fullmatch(raw):
        raise invalid(name, CODE_MESSAGE)
    return raw


def flag(args: Mapping[str, str], name: str) -> bool:
    raw = _raw(args, name)
    if raw is None:
        return False
    if raw not in ("0", "1"):
        raise invalid(name, FLAG_MESSAGE)
    return raw == "1"


def day(args: Mapping[str, str], name: str) -> date | None:
    raw = _raw(args, name)
    if raw is None:
        return None
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
            raise ValueError(raw)
        value = date.fromisoformat(raw)
        if not YEAR_MIN <= value.year <= YEAR_MAX:
            raise ValueError(raw)
        return value
    except ValueError:
        raise invalid(name, DATE_MESSAGE, min=YEAR_MIN, max=YEAR_MAX) from None


def text(args: Mapping[str, str], name: str, limit: int = QUERY_MAX) -> str:
    raw = _raw(args, name) or ""
    if len(raw) > limit:
        raise invalid(name, TEXT_MESSAGE, max=limit)
    return raw


@dataclass(frozen=True)
class PageRequest:
    """The page asked for: 1-based ``page`` and its size."""

    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_request(args: Mapping[str, str]) -> PageRequest:
    return PageRequest(page=integer(args, "page", 1, 1, PAGE_MAX),
                       per_page=integer(args, "per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX))


def envelope(items: list[dict], total: int, asked: PageRequest, endpoint: str) -> dict:
    """The page's JSON body; ``next`` keeps every other query parameter as given."""
    next_url = None
    if asked.offset + len(items) < total and items:
        values = {k: v for k, v in request.args.items() if not k.startswith("_")}
        values.update(page=str(asked.page + 1), per_page=str(asked.per_page))
        next_url = url_for(endpoint, _external=True, **values)
    return {"items": items, "page": asked.page, "per_page": asked.per_page, "total": total,
            "next": next_url}
