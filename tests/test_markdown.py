"""Markdown written by users is rendered inert (a table of hostile inputs); safe Markdown stays."""

from __future__ import annotations

import re

import pytest

from inspir_events import markdown
from tests.pages import parse

HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "script tag, upper case, remote": "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "script split by a nested tag": "<scr<script>ipt>alert(1)</script>",
    "script in svg": "<svg><script>alert(1)</script></svg>",
    "svg onload": "<svg onload=alert(1)>",
    "img onerror": '<img src=x onerror="alert(1)">',
    "img onerror, unclosed": "<img src=x onerror=alert(1)//",
    "onclick on a paragraph": '<p onclick="alert(1)">cliquez</p>',
    "onmouseover on a safe link": '<a href="https://example.org" onmouseover="alert(1)">x</a>',
    "details ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "Markdown javascript: link": "[cliquez](javascript:alert(1))",
    "Markdown JaVaScRiPt: link": "[cliquez](JaVaScRiPt:alert(1))",
    "Markdown entity-encoded javascript&#58;": "[cliquez](javascript&#58;alert(1))",
    "Markdown image javascript:": "![x](javascript:alert(1))",
    "Markdown reference to javascript:": "[cliquez][1]\n\n[1]: javascript:alert(1)",
    "HTML javascript link in a reference link":
        '[<a href="javascript:alert(1)">x</a>][ref]\n\n[ref]: https://example.org',
    "autolink javascript:": "<javascript:alert(1)>",
    "HTML javascript: link": '<a href="javascript:alert(1)">x</a>',
    "HTML link, leading space and mixed case": '<a href=" JavaScript:alert(1)">x</a>',
    "HTML link, tab inside the scheme": '<a href="java\tscript:alert(1)">x</a>',
    "HTML link, entity-encoded colon": '<a href="javascript&#58;alert(1)">x</a>',
    "HTML link, fully entity-encoded":
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    "data:text/html link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data: link in HTML": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "vbscript: link": "[x](vbscript:msgbox(1))",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "style element": "<style>body { display: none }</style>",
    "style attribute": '<p style="background:url(javascript:alert(1))">x</p>',
    "form": '<form action="https://evil.example"><input name="q"><button>OK</button></form>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base href": '<base href="javascript:/">',
    "link stylesheet": '<link rel="stylesheet" href="javascript:alert(1)">',
    "math xlink:href": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "noscript mutation": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "comment hiding a script": "<!--<script>alert(1)</script>-->",
    "CDATA": "<![CDATA[<script>alert(1)</script>]]>",
    "unclosed nested tags": "<div><p><b><i onclick=alert(1)>x",
    "title attribute break-out":
        '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    "script inside a list": "- un\n- <script>alert(1)</script>\n- trois",
}

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "data",
                  "content"}


def url_as_browsers_read_it(value: str) -> str:
    """WHATWG URL parsing: trim C0 controls and spaces, drop tabs and newlines, lower case."""
    value = value.strip("".join(chr(c) for c in range(0x21)))
    return re.sub(r"[\t\n\r]", "", value).lower()


def problems(html: str) -> list[str]:
    found = []
    if re.search(r"<\s*/?\s*script", html, re.IGNORECASE):
        found.append("script tag")
    for element in parse(html).iter():
        if element.tag not in markdown.ALLOWED_TAGS:
            found.append(f"<{element.tag}> element")
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"{name}= on <{element.tag}>")
            if name.lower() == "style":
                found.append(f"style= on <{element.tag}>")
            if name.lower() in URL_ATTRIBUTES and value is not None:
                url = url_as_browsers_read_it(value)
                if url.startswith(DANGEROUS_SCHEMES):
                    found.append(f"{name}={value!r}")
    return found


def test_the_checker_sees_what_it_looks_for():
    # Guard against a checker that passes everything.
    assert problems('<p onclick="x">a</p>') == ["onclick= on <p>"]
    assert problems('<a href=" java\tscript:alert(1)">x</a>')
    assert problems("<script>x</script>")
    assert problems('<iframe src="https://x"></iframe>') == ["<iframe> element"]
    assert problems('<a href="DATA:text/html,x">x</a>')
    assert problems('<a href="https://example.org" rel="nofollow">x</a>') == []


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_is_rendered_inert(source):
    html = markdown.render(source)
    assert problems(html) == [], html


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_html_is_sanitised_directly_too(source):
    html = markdown.sanitise(source)
    assert problems(html) == [], html


def test_a_script_in_a_code_block_is_shown_as_text():
    html = markdown.render("```\n<script>alert(1)</script>\n```")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert problems(html) == []


def test_safe_markdown_survives():
    html = markdown.render(
        "## Le constat\n\n"
        "Il faut **un bus** le *dimanche*.\n\n"
        "- Abbeville\n- Amiens\n\n"
        "1. un\n2. deux\n\n"
        "Voir [le site](https://example.org/transports?ligne=12) ou écrire à "
        "<mailto:contact@example.org>.\n\n"
        "> Une citation\n\n"
        "`code`"
    )
    doc = parse(html)
    assert doc.find("h2").text == "Le constat"
    assert doc.find("strong").text == "un bus"
    assert doc.find("em").text == "dimanche"
    assert [li.text for li in doc.find("ul").find_all("li")] == ["Abbeville", "Amiens"]
    assert [li.text for li in doc.find("ol").find_all("li")] == ["un", "deux"]
    assert doc.find("blockquote") is not None and doc.find("code").text == "code"
    link = doc.find("a", href="https://example.org/transports?ligne=12")
    assert link is not None and link.text == "le site"
    assert "nofollow" in link.get("rel").split()
    assert doc.find("a", href="mailto:contact@example.org") is not None
    assert problems(html) == []


def test_tables_are_kept():
    doc = parse(markdown.render("| Commune | Besoin |\n|---|---|\n| Amiens | Bus |"))
    assert [td.text for td in doc.find("tbody").find_all("td")] == ["Amiens", "Bus"]


def test_empty_input_renders_nothing():
    assert markdown.render("") == ""
    assert markdown.render(None) == ""


def test_plain_text_excerpt_has_no_markup_and_is_cut():
    text = markdown.to_text("**Gras** et <script>alert(1)</script> [lien](https://x.example)")
    assert text == "Gras et lien"
    long = markdown.to_text("mot " * 200, limit=50)
    assert len(long) == 50 and long.endswith("…")
