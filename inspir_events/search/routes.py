"""The search page: ``/search?q=...&kind=...&department=...&theme=...&page=...``.

Thin: reads the query and the filters (an unknown filter value is no filter), asks the
index for one page of ranked results, renders them with their extracts (escaped, the
matches marked)."""

from __future__ import annotations

from flask import render_template, request
from markupsafe import Markup

from inspir_events import limits
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


def _shown(result: queries.Result, kinds: dict) -> dict:
    return {
        "kind": result.kind,
        "kind_name": kinds.get(result.kind, result.kind),
        "url": registry.url_of(result.kind, result.item_id),
        # Escaped by rules.highlight, only <mark> added.
        "title": Markup(rules.highlight(result.title)),  # noqa: S704  # nosec B704 # escaped by highlight
        "extract": Markup(rules.highlight(result.extract)),  # noqa: S704  # nosec B704 # escaped by highlight
        "department_code": result.department_code,
    }


@bp.route("/search")
@limits.costly_read
def search():
    kinds = registry.kinds()
    departments, themes = reference.departments(), reference.themes()
    filters = _filters(kinds, departments, themes)
    page = queries.search(filters)
    return render_template(
        "search/results.html", filters=filters, kinds=kinds, departments=departments,
        themes=themes, results=[_shown(r, kinds) for r in page.results], more=page.more,
        ranked=page.ranked,
        searched=bool(rules.terms(filters.text)),
        department_names={d.code: d for d in departments})
