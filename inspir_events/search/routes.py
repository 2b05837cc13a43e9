"""The search page: ``/search?q=...&kind=...&department=...&theme=...&page=...``.

Thin: reads the query and the filters (an unknown filter value is no filter), asks the
index for one page of ranked results, renders them with their extracts (escaped, the
matches marked)."""

from __future__ import annotations

from flask import render_template, request
from markupsafe import Markup

from inspir_events import limits
from inspir_events.i18n import current_language
from inspir_events.reference import services as reference
from inspir_events.search import queries, registry, rules
from inspir_events.search.blueprint import bp


def _filters(kinds, departments, themes) -> rules.Filters:
    args = request.args

    def choice(name: str, allowed) -> str:
        value = (args.get(name) or "").strip()
        return value if value in allowed else ""

    return rules.Filters(
        text=(args.get("q") or "")[:rules.QUERY_MAX],
        kind=choice("kind", kinds),
        department=choice("department", {d.code for d in departments}),
        theme=choice("theme", {t.code for t in themes}),
        page=rules.page_number(args.get("page")),
    )


def _shown(result: queries.Result, kinds: dict, places: dict) -> dict:
    return {
        "kind": result.kind,
        # The kind and its department, e.g. "Besoins · 80 Somme".
        "label": " · ".join(filter(None, (kinds.get(result.kind, result.kind),
                                          places.get(result.department_code)))),
        "url": registry.url_of(result.kind, result.item_id),
        # Escaped by rules.highlight, only <mark> added.
        "title": Markup(rules.highlight(result.title)),  # noqa: S704  # nosec B704 # escaped by highlight
        "extract": Markup(rules.highlight(result.extract)),  # noqa: S704  # nosec B704 # escaped by highlight
    }


@bp.route("/search")
@limits.costly_read
def search():
    kinds = registry.kinds()
    departments, themes = reference.departments(), reference.themes()
    filters = _filters(kinds, departments, themes)
    page = queries.search(filters)
    language = current_language()
    kind_names = {code: str(name) for code, name in kinds.items()}
    places = {d.code: d.name_for(language) for d in departments}
    return render_template(
        "search/results.html", filters=filters, kinds=kind_names, departments=departments,
        themes=themes, results=[_shown(r, kind_names, places) for r in page.results],
        more=page.more, ranked=page.ranked, searched=bool(rules.terms(filters.text)),
        places=places, language=language)
