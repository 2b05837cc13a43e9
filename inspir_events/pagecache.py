"""Short-lived caching of public page fragments (the same for every anonymous visitor).

A public board or statistics page is rebuilt at most once per BOARD_CACHE_SECONDS for
each address and language; with REDIS_URL the cache is shared by every process.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from markupsafe import Markup

from inspir_events.extensions import cache
from inspir_events.i18n import current_language


def public_fragment(namespace: str, build: Callable[[], str]) -> Markup:
    """``build()``'s HTML, kept BOARD_CACHE_SECONDS per namespace, language and full path.

    Call it only for what holds nothing of the visitor (anonymous views, public counts).
    """
    ttl = current_app.config["BOARD_CACHE_SECONDS"]
    if not ttl:
        html = build()
        return Markup(html)  # noqa: S704  # nosec B704 # our own autoescaped template
    key = f"{namespace}:{current_language()}:{request.full_path}"
    try:
        body = cache.get(key)
    except Exception:  # the shared cache (Redis) is down: serve fresh pages meanwhile
        current_app.logger.warning("page cache unavailable: %s served uncached", namespace)
        body = None
    if body is None:
        body = build()
        try:
            cache.set(key, body, timeout=ttl)
        except Exception:
            current_app.logger.warning("page cache unavailable: %s not kept", namespace)
    return Markup(body)  # noqa: S704  # nosec B704 # our own autoescaped template
