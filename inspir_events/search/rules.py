"""The site's search, in pure rules: what a document is, how a person's words become an
engine's query, and how an engine's marked extract becomes safe HTML.

Imports nothing but the standard library (the ``pure`` contract): the engines' SQL is in
:mod:`inspir_events.search.queries`, the index's upkeep in :mod:`inspir_events.search.index`.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

# The engines mark a matched word between these two characters (Unicode private use:
# never typed, and removed from every indexed text by :func:`clean`); :func:`highlight`
# escapes everything else and turns them into <mark>.
START, STOP = "\ue000", "\ue001"
ELLIPSIS = "…"

TITLE_MAX = 200
BODY_MAX = 20_000
QUERY_MAX = 200  # characters of a query read
TERMS_MAX = 8  # words of a query kept
PER_PAGE = 20
FACETS_MAX = 120
# A query matching more documents than this is too broad to rank them all at each search
# (ranking reads every match: 50 ms to 150 ms for half of 100,000 documents, bench/README.md):
# its results come newest first (the most recently indexed), and the page says so.
RANKED_MAX = 1000

# Frequent French (and a few English) words that find everything and rank nothing; the
# PostgreSQL French configuration drops them too, so both engines read the same query.
_STOP_WORDS_TEXT = """
a au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me
meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes
toi ton tu un une vos votre vous c d j l m n s t y est sont the of and or to in for on at
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Document:
    """What the index holds of one item a visitor may see: the source that made it (its
    feature's name for it) and the item's id, the kind of result it is, its department
    and theme (for the filters; None when it has none), its title and its text."""

    source: str
    item_id: int
    kind: str
    title: str
    body: str
    department_code: str | None = None
    theme_code: str | None = None


def facet(prefix: str, *codes: str | None) -> str:
    """Filter values as one word of the index ("d80", "kdneed80"): the engines'
    tokenizers keep letters and digits only."""
    return prefix + "".join(re.sub(r"[^0-9a-z]", "", (code or "").lower()) for code in codes)


def facets(kind: str, department_code: str | None, theme_code: str | None) -> str:
    """A document's filter values as words, the SQLite index's third column (filters are
    words of the query there: no join): its kind, department and theme, and its kind with
    each of the other two as one word — the kind is in every document of its kind (a
    need in nearly all of them), and FTS5 reads a word's whole list: "kind and
    department" as one word reads a fifth of the documents' entries instead of all."""
    words = [facet("k", kind)]
    if department_code:
        words += [facet("d", department_code), facet("kd", kind, department_code)]
    if theme_code:
        words += [facet("t", theme_code), facet("kt", kind, theme_code)]
    return " ".join(words)[:FACETS_MAX]


def filter_words(kind: str, department_code: str, theme_code: str) -> list[str]:
    """The fewest facet words (:func:`facets`) a document must have to meet the filters
    chosen (empty strings: no filter), the kind joined to the department or the theme."""
    words = []
    if kind and department_code:
        words.append(facet("kd", kind, department_code))
    elif kind and theme_code:
        words.append(facet("kt", kind, theme_code))
    elif kind:
        words.append(facet("k", kind))
    if department_code and not kind:
        words.append(facet("d", department_code))
    if theme_code and not (kind and not department_code):
        words.append(facet("t", theme_code))
    return words


@dataclass(frozen=True)
class Filters:
    """The search page's query and filters (empty: no filter)."""

    text: str = ""
    kind: str = ""
    department: str = ""
    theme: str = ""
    page: int = 1


def clean(text: str | None, limit: int) -> str:
    """A text as the index stores it: without the highlight markers, spaces folded, cut."""
    if not text:
        return ""
    text = text.replace(START, "").replace(STOP, "")
    return " ".join(text.split())[:limit]


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(sanitised_html: str | None) -> str:
    """The words of a sanitised HTML text (a description rendered from Markdown)."""
    if not sanitised_html:
        return ""
    parser = _TextOnly()
    parser.feed(sanitised_html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def fold(word: str) -> str:
    """A word in lower case without its accents ("Écologie" -> "ecologie")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def terms(text: str | None) -> list[str]:
    """The words of a query that the engines look for: letters and digits only (so no
    query syntax reaches an engine), folded, without stop words or repeats, at most
    :data:`TERMS_MAX` of them."""
    found: list[str] = []
    for word in _WORD.findall((text or "")[:QUERY_MAX]):
        folded = fold(word).replace("_", "")
        if not folded or folded in STOP_WORDS or folded in found:
            continue
        found.append(folded[:40])
        if len(found) == TERMS_MAX:
            break
    return found


EXPANDED_MIN = 4  # a typed word this long is replaced by the index's words it starts
EXPANDED_MAX = 16  # at most this many of them (else FTS5's own prefix search)


def expandable(word: str) -> bool:
    """Whether to look up the index's words starting with ``word`` (short words start too
    many)."""
    return len(word) >= EXPANDED_MIN


def after_prefix(word: str) -> str:
    """The first string after every word starting with ``word`` (a range's upper bound)."""
    return word[:-1] + chr(ord(word[-1]) + 1)


def fts5_query(words: list[str], filters: Filters | None = None,
               expansions: Mapping[str, Sequence[str]] | None = None) -> str:
    """SQLite FTS5's MATCH expression: every word in the title or the text, each also as
    the start of a longer one ("ecolo" finds "écologie"), and the filters as words of
    the facets column. Words are quoted: nothing in them is syntax.

    ``expansions`` gives, for a word, the index's words starting with it: the word is
    then their alternatives ("logement" OR "logements"), which FTS5 reads three to ten
    times faster than its prefix search (that one merges every matching word's list
    before reading the first document). A word without an expansion stays a prefix."""
    expansions = expansions or {}

    def one(word: str) -> str:
        found = expansions.get(word)
        if found and len(found) <= EXPANDED_MAX:
            return "(" + " OR ".join(f'"{term}"' for term in found) + ")"
        return f'"{word}"*'

    expression = "{title body} : (" + " AND ".join(map(one, words)) + ")"
    if filters is not None:
        for word in filter_words(filters.kind, filters.department, filters.theme):
            expression += f' AND facets : "{word}"'
    return expression


def cut_by_stemming(word: str, stem: str | None) -> bool:
    """Whether PostgreSQL's French stemmer cut ``word`` ("logement" -> "log"): its stem no
    longer starts with it (a stop word has no stem)."""
    return bool(stem) and not stem.startswith(word)


def quoted(lexeme: str) -> str:
    """A lexeme as a ``tsquery`` text writes it."""
    return "'" + lexeme.replace("'", "''") + "'"


def tsquery(words: list[str], stems: Mapping[str, str | None],
            starts_longer: Mapping[str, bool]) -> str:
    """PostgreSQL's ``tsquery`` text (already stemmed: read as it is), each word found as
    SQLite finds it — as the start of longer words — and by its stem:

    - a word the stemmer left whole ("covoit", "bus"): its stem as a prefix;
    - a word it cut ("logement" -> "log"): its stem exactly, or the word as typed as the
      start of a longer indexed word when the index has some (``starts_longer``:
      "logementaire"). Its stem as a prefix (``'log':*``) found "logiciel" and
      "logistique", which SQLite never did, and made PostgreSQL recheck every candidate.

    Stop words (no stem) are left out; an empty text when no word is left."""
    parts = []
    for word in words:
        stem = stems.get(word)
        if not stem:
            continue
        if not cut_by_stemming(word, stem):
            parts.append(quoted(stem) + ":*")
        elif starts_longer.get(word):
            parts.append(f"( {quoted(stem)} | {quoted(word)}:* )")
        else:
            parts.append(quoted(stem))
    return " & ".join(parts)


_LEXEME = re.compile(r"'((?:[^']|'')+)'")


def lexemes(tsquery_text: str | None) -> list[str]:
    """The lexemes of a ``tsquery`` as PostgreSQL prints it (``'ecol':* & 'velo':*``)."""
    return [found.replace("''", "'") for found in _LEXEME.findall(tsquery_text or "")]


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char.lower())
    return decomposed[0] if decomposed else char


# Latin letters (ASCII, Latin-1, Latin Extended-A and B) folded in one ``str.translate``.
_LATIN_END = "\u0250"
_LATIN_FOLDS = {code: _fold_char(chr(code)) for code in range(ord(_LATIN_END))}


def _folded(text: str) -> str:
    """``text`` in lower case without accents, character for character (same length, so
    positions found in it are positions in ``text``)."""
    if text.isascii():
        return text.lower()
    if max(text) < _LATIN_END:
        return text.translate(_LATIN_FOLDS)
    return "".join(map(_fold_char, text))


def _words_pattern(words: list[str]) -> re.Pattern:
    """A word starting with one of ``words`` (folded, letters and digits only)."""
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")\w*")


def mark(text: str | None, words: list[str], extract_chars: int = 0) -> str:
    """``text`` with the words found marked between :data:`START` and :data:`STOP`: each
    word whose folded form starts with one of ``words`` (as SQLite's index matches them).

    With ``extract_chars``, only an extract of about that many characters, from a little
    before the first match (the text's start when nothing matches), cut between words,
    :data:`ELLIPSIS` where cut.
    """
    if not text or not words:
        return text or ""
    pattern = _words_pattern(words)
    folded = _folded(text)
    begin, end, prefix, suffix = 0, len(text), "", ""
    if extract_chars and len(text) > extract_chars:
        first = pattern.search(folded)
        begin = max(0, min(first.start() - extract_chars // 5 if first else 0,
                           len(text) - extract_chars))
        if begin:
            space = text.find(" ", begin)
            begin = space + 1 if 0 <= space < begin + 30 else begin
            prefix = ELLIPSIS
        end = begin + extract_chars
        if end < len(text):
            space = text.rfind(" ", begin, end)
            end = space if space > begin else end
            suffix = ELLIPSIS
    out, position = [prefix], begin
    for found in pattern.finditer(folded, begin, end):
        out += [text[position:found.start()], START, text[found.start():found.end()], STOP]
        position = found.end()
    out += [text[position:end].rstrip(), suffix]
    return "".join(out)


_MARKERS = re.compile(f"[^{START}{STOP}]+")


def highlight(marked: str | None) -> str:
    """An engine's extract with its matches between :data:`START` and :data:`STOP`, as
    HTML: everything escaped (the extract is what people wrote), the matches in <mark>."""
    if not marked:
        return ""
    escaped = html.escape(marked, quote=True)  # the markers are not HTML: kept as they are
    if _MARKERS.sub("", escaped) == (START + STOP) * escaped.count(START):
        # Marks opened and closed in turn (as rules.mark and ts_headline draw them).
        return escaped.replace(START, "<mark>").replace(STOP, "</mark>")
    out: list[str] = []
    inside = False
    for part in re.split(f"([{START}{STOP}])", marked):
        if part == START:
            if not inside:
                out.append("<mark>")
                inside = True
        elif part == STOP:
            if inside:
                out.append("</mark>")
                inside = False
        else:
            out.append(html.escape(part, quote=True))
    if inside:
        out.append("</mark>")
    return "".join(out)


def page_number(value: str | None) -> int:
    """The page asked for: a whole number from 1 to 50 (anything else is the first)."""
    try:
        number = int(str(value or "1").strip())
    except ValueError:
        return 1
    return number if 1 <= number <= 50 else 1
