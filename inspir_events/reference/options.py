"""The filters' ``<option>``s of the reference lists (departments, intercommunalities,
themes), built once per process and language.

Every board, listing and search page offers them (about 110 options): rendered by Jinja
they cost about 1 ms of each page. The lists are written by the migrations only
(``services._listed``), so their options are kept as HTML per language, and the chosen
one is marked by inserting ``selected`` after its (escaped, quoted) value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app
from markupsafe import Markup, escape

from inspir_events.i18n import current_language
from inspir_events.reference import services

# kind -> (the rows, each row's value, its label in a language, extra attributes)
_LISTS: dict[str, tuple[Callable[[], Iterable], Callable, Callable, str]] = {
    "departments": (services.departments, lambda d: d.code, lambda d, lang: d.name_for(lang), ""),
    "themes": (services.themes, lambda t: t.code, lambda t, lang: t.name_for(lang), ""),
    # Proper names: not for a browser's translation.
    "epcis": (services.epcis, lambda e: e.siren, lambda e, lang: e.name, ' translate="no"'),
}


def _built(kind: str, language: str) -> str:
    rows, value, label, extra = _LISTS[kind]
    return "".join(f'<option value="{escape(value(row))}"{extra}>{escape(label(row, language))}'
                   "</option>" for row in rows())


def options(kind: str, selected: str | None = None) -> Markup:
    """The ``<option>``s of ``kind`` ("departments", "epcis", "themes") in the page's
    language, the one whose value is ``selected`` marked as such (none if it is not one
    of them)."""
    language = current_language()
    cache = current_app.extensions.setdefault(services.CACHE, {})
    key = ("options", kind, language)
    html = cache.get(key)
    if html is None:
        html = cache[key] = _built(kind, language)
    if selected:
        chosen = f'value="{escape(selected)}"'
        html = html.replace(chosen, chosen + " selected", 1)
    return Markup(html)  # noqa: S704  # nosec B704 # built above, every value and label escaped
