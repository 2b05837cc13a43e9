"""Markdown to safe HTML: rendered by Python-Markdown, then sanitised by nh3.

Pure: no Flask, no SQLAlchemy. Everything users write in Markdown (needs,
events, ideas, projects) goes through :func:`render`; templates mark only its
output as safe. No script, no event-handler attribute, no ``javascript:``
(or any non-http(s)/mailto) URL survives.
"""

from __future__ import annotations

import html as _html

import markdown as _markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "li",
    "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["fenced_code", "tables", "sane_lists"]


def render(text: str | None) -> str:
    """The sanitised HTML of ``text`` (Markdown; raw HTML in it is cleaned, not trusted)."""
    if not text:
        return ""
    html = _markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    return sanitise(html)


def sanitise(html: str) -> str:
    """Keep only harmless tags, attributes and URL schemes; links get rel=nofollow."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )


def to_text(text: str | None, limit: int = 240) -> str:
    """A plain-text excerpt of Markdown ``text`` (for cards and exports)."""
    plain = _html.unescape(nh3.clean(render(text), tags=set()))
    plain = " ".join(plain.split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"
