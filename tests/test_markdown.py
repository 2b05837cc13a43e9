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


# --- fuzzing (issue 10, "Content") ------------------------------------------------------
# Generated Markdown and HTML fragments mixing the tricks of the table above: the output,
# read by the standard library's HTML parser (which decodes entities as browsers do), never
# holds a script, an element outside the allow-list, an on* attribute, a style attribute, or
# a URL with a javascript:, vbscript: or data: scheme.

from html.parser import HTMLParser  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FUZZ = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

TAGS = ["script", "SCRIPT", "svg", "img", "a", "iframe", "style", "math", "mi", "details",
        "p", "div", "b", "noscript", "textarea", "title", "template", "object", "embed",
        "form", "button", "input", "base", "meta", "link", "table", "td", "xmp", "plaintext",
        "video", "source", "animate", "set", "use", "foreignObject", "select", "option"]
ATTRIBUTES = ["onload", "onerror", "ONCLICK", "onmouseover", "ontoggle", "onfocus",
              "onbegin", "href", "src", "xlink:href", "formaction", "action", "style",
              "title", "data", "background", "srcdoc", "to", "values", "autofocus"]
SCHEMES = ["javascript:", "JaVaScRiPt:", "vbscript:", "VBScript:", "data:text/html,",
           "data:image/svg+xml,", " javascript:", "\x01javascript:", "java\tscript:",
           "java\nscript:", "jav&#x09;ascript:", "jav&#9;ascript:", "jav&Tab;ascript:",
           "&#106;avascript:", "&#x6A;avascript:", "javascript&#58;", "javascript&colon;",
           "javascript&#x3A;", "%6Aavascript:", "https:", "mailto:", "//", ""]
PAYLOADS = ["alert(1)", "alert`1`", "<script>alert(1)</script>", "x", "%0aalert(1)",
            "\"onmouseover=alert(1) x=\"", "'><img src=x onerror=alert(1)>"]
PIECES = ["<", ">", "</", "/>", '"', "'", "=", "`", "\n", "\n\n", "    ", "*", "_", "[", "]",
          "(", ")", "!", "-", "#", "|", "&", ";", "<!--", "-->", "<![CDATA[", "]]>", "\\",
          "```\n", "[ref]: ", "[ref]", "<http://x.example>", "&lt;", "&#60;", "\x00"]

urls = st.builds(lambda s, p: s + p, st.sampled_from(SCHEMES), st.sampled_from(PAYLOADS))
attributes = st.builds(
    lambda name, quote, value: f" {name}={quote}{value}{quote}",
    st.sampled_from(ATTRIBUTES), st.sampled_from(['"', "'", ""]),
    st.one_of(urls, st.sampled_from(PAYLOADS)))
tags = st.builds(
    lambda tag, attrs, inner, close: f"<{tag}{''.join(attrs)}>{inner}" + (
        f"</{tag}>" if close else ""),
    st.sampled_from(TAGS), st.lists(attributes, max_size=3),
    st.sampled_from(PAYLOADS + [""]), st.booleans())
markdown_links = st.builds(
    lambda bang, text, url, title: f"{bang}[{text}]({url}{title})",
    st.sampled_from(["", "!"]), st.sampled_from(["x", "cliquez", "<b>x</b>", ""]), urls,
    st.sampled_from(["", ' "t"', ' "t\\" onmouseover=\\"alert(1)"']))
references = st.builds(lambda url: f"[x][r]\n\n[r]: {url}\n", urls)
autolinks = st.builds(lambda url: f"<{url}>", urls)
fragments = st.lists(
    st.one_of(tags, markdown_links, references, autolinks, st.sampled_from(PIECES),
              st.text(max_size=6)),
    max_size=24).map("".join)
nested = st.recursive(
    tags, lambda inner: st.builds(
        lambda tag, attrs, body: f"<{tag}{''.join(attrs)}>{body}</{tag}>",
        st.sampled_from(TAGS), st.lists(attributes, max_size=2),
        st.lists(inner, min_size=1, max_size=3).map("".join)),
    max_leaves=8)

DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "base",
                  "meta", "link", "form", "template", "noscript", "xmp", "plaintext"}


class OutputChecker(HTMLParser):
    """Collects what a browser would find dangerous in sanitised output."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS or tag not in markdown.ALLOWED_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if value is not None and name in URL_ATTRIBUTES and url_as_browsers_read_it(
                    value).startswith(DANGEROUS_SCHEMES):
                self.found.append(f"{name}={value!r}")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag in DANGEROUS_TAGS:
            self.found.append(f"</{tag}>")


def parsed_problems(html: str) -> list[str]:
    checker = OutputChecker()
    checker.feed(html)
    checker.close()
    return checker.found


def test_the_parsing_checker_sees_what_it_looks_for():
    assert parsed_problems("<script>x</script>") == ["<script>", "</script>"]
    assert parsed_problems('<a href="jav&#x09;ascript:alert(1)">x</a>') == [
        "href='jav\\tascript:alert(1)'"]
    assert parsed_problems('<p ONCLICK="x">a</p>') == ["onclick= on <p>"]
    assert parsed_problems('<a href="&#106;avascript:x">x</a>')
    assert parsed_problems('<svg><a xlink:href="javascript:x"></a></svg>')
    assert parsed_problems('<a href="https://example.org" rel="nofollow">x</a>') == []


@FUZZ
@given(fragments)
def test_fuzzed_markdown_renders_inert(source):
    html = markdown.render(source)
    assert parsed_problems(html) == [], (source, html)


@FUZZ
@given(st.one_of(fragments, nested))
def test_fuzzed_html_is_sanitised_inert(source):
    html = markdown.sanitise(source)
    assert parsed_problems(html) == [], (source, html)


@FUZZ
@given(nested)
def test_fuzzed_nested_tags_in_markdown_render_inert(source):
    html = markdown.render("Texte\n\n" + source + "\n\n- liste " + source)
    assert parsed_problems(html) == [], (source, html)

