"""URL helpers."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app, g, has_request_context, url_for
from flask.globals import _cv_request  # Flask's request context variable
from werkzeug.routing import IntegerConverter

from inspir_events.database import ID_MAX

URL_MEMO_KEY = "inspir.url_memo"
URLS_KEPT = 8192


class IdConverter(IntegerConverter):
    """``<int:...>`` bounded to the database's ids: a larger number is a 404, not a crash."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def safe_next_url(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def remembered_url_for(endpoint: str, **values) -> str:
    """``url_for`` for templates: each site-relative URL built once per process, then
    remembered (up to ``URLS_KEPT``, then forgotten all at once).

    A page's layout alone builds about twenty links and a board repeats the same
    territory, theme, tag and sign-in links on many cards: building them again was a
    tenth of a page. A site-relative URL depends only on the endpoint, the values and the
    application's root, all in the key; an anchor (``_anchor``: a help guide's section) is
    added to the URL remembered as ``url_for`` adds it. An external URL (``_external``,
    ``_scheme``...), a blueprint-relative endpoint (".name") or values that cannot be a
    dictionary key are built every time.

    The request and application are found once, from Flask's own context variable (what
    ``has_request_context`` reads): through ``request`` and ``current_app`` each was a
    proxy's lookup, three per link, a third of a remembered link's cost.
    """
    ctx = _cv_request.get(None)
    anchor = values.pop("_anchor", None)
    if (ctx is None or endpoint.startswith(".")
            or any(name.startswith("_") for name in values)):
        return url_for(endpoint, _anchor=anchor, **values)
    try:
        key = (ctx.request.script_root, endpoint, *sorted(values.items()))
        urls = ctx.app.extensions.get(URL_MEMO_KEY)
        if urls is None or len(urls) > URLS_KEPT:
            urls = ctx.app.extensions[URL_MEMO_KEY] = {}
        url = urls.get(key)
    except TypeError:  # an unhashable value (a list of ids, say)
        return url_for(endpoint, _anchor=anchor, **values)
    if url is None:
        url = urls[key] = url_for(endpoint, **values)
    if anchor is not None:  # as Flask's url_for writes it
        return f"{url}#{quote(anchor, safe=ANCHOR_SAFE)}"
    return url


ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # what Flask's url_for leaves unquoted in an anchor


def remembered_external_url_for(endpoint: str, **values) -> str:
    """``url_for(endpoint, _external=True, ...)`` for lists (the API's items, each with its
    address): the site-relative URL remembered (``remembered_url_for``) after this request's
    scheme and host, found once per request from the site's root.

    An API page of twenty needs built twenty external URLs, a tenth of the answer. The
    scheme and host are the request's (or ``SERVER_NAME``'s) as ``url_for`` would put them:
    the root's external URL less its site-relative one.
    """
    if not has_request_context() or endpoint.startswith("."):
        return url_for(endpoint, _external=True, **values)
    origin = g.get("_inspir_origin")
    if origin is None:
        relative, external = url_for("main.index"), url_for("main.index", _external=True)
        origin = g._inspir_origin = external[:len(external) - len(relative)]
    return origin + remembered_url_for(endpoint, **values)


def path_for(endpoint: str, **values) -> str:
    """The site-relative URL of ``endpoint`` (``url_for``), also where no request is under
    way (a command, a task, a socket handler): the link a notification or a message
    carries is always built from the route, never written by hand."""
    if has_request_context():
        return url_for(endpoint, **values)
    adapter = current_app.url_map.bind("localhost",
                                       script_name=current_app.config["APPLICATION_ROOT"])
    return adapter.build(endpoint, values)
