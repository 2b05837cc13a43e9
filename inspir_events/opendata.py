"""Every CSV download of the platform, in two flavours, safe from spreadsheet formulas.

Issue 18 (1.1 and 4.4). Every CSV the platform serves is written here
(:func:`csv_response`), so the rules below hold for all of them:

- **Every field is quoted**, the header's too, lines end with CRLF (RFC 4180).
- **Formula starts are neutralised.** A spreadsheet may read a cell as a formula when
  it starts with ``=``, ``+``, ``-``, ``@`` (or their full-width forms ``＝＋－＠``), a
  tab or a carriage return. And it may split a cell where we did not: a spreadsheet in
  a French locale splits on ``;`` and ignores the quotes of a comma file, others split
  on ``,``, tabs or line breaks. So the start of the cell **and every piece of it that
  follows a** ``,`` ``;`` **tab, CR or LF** (after any spaces) is checked, and a piece
  starting like a formula gets a leading apostrophe ``'``, which spreadsheets read as
  "this is text": ``Karim;=1+1;@SUM(1+1)`` is written ``Karim;'=1+1;'@SUM(1+1)``.
- **A Markdown list stays as written.** A piece starting with ``- `` (dash, space) is a
  list item, not a formula: it is kept unchanged as long as the rest of the cell
  holds neither ``(`` nor ``|``, without which no formula can call a function or a
  DDE link (a spreadsheet that reads it anyway shows an error, never runs anything).
  A list whose text has a parenthesis gets the apostrophe on each item.
- **Numbers stay numbers.** An ``int``, ``float`` or ``Decimal`` value (never a string)
  is written as it is, a negative one included.

Two flavours of each download, chosen by ``?flavour=``:

- the standard one (no parameter): UTF-8 without BOM, comma, decimal point, for
  programs and for the open data portals;
- ``excel-fr``: what a spreadsheet set to French opens without an import dialog:
  UTF-8 **with a BOM**, ``;`` as separator, **decimal comma** (numbers, and strings
  that are exactly a decimal number such as the SCDL ``montant`` ``12500.00``), the
  file name ending in ``.fr.csv``. Pages show its link next to the standard one
  (templates/_csv_links.html).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask import Response, request

# The characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = "=+-@\uff1d\uff0b\uff0d\uff20\t\r"
# Where a spreadsheet may split a cell (a wrong separator, a misread quote).
SPLITS = ",;\t\r\n"
# A piece of a cell: its start, or right after a split character, then spaces.
_PIECE_START = re.compile(r"(?:^|(?<=[,;\t\r\n]))( *)(?=[=+\-@\uff1d\uff0b\uff0d\uff20\t\r])")
# Without these, a formula can call neither a function nor a DDE link.
_CALLABLE = ("(", "|")
LIST_ITEM = "- "
_DECIMAL_TEXT = re.compile(r"-?\d+\.\d+")


@dataclass(frozen=True)
class Flavour:
    """One way of writing a CSV file."""

    name: str
    delimiter: str
    decimal: str
    encoding: str  # "utf-8-sig" writes the BOM
    suffix: str  # of the file name


STANDARD = Flavour("standard", ",", ".", "utf-8", ".csv")
EXCEL_FR = Flavour("excel-fr", ";", ",", "utf-8-sig", ".fr.csv")
FLAVOURS = {STANDARD.name: STANDARD, EXCEL_FR.name: EXCEL_FR}
FLAVOUR_PARAMETER = "flavour"


def _neutralise(text: str) -> str:
    def piece(match: re.Match) -> str:
        rest = text[match.end():]
        if rest.startswith(LIST_ITEM) and not any(c in rest for c in _CALLABLE):
            return match.group(1)
        return match.group(1) + "'"

    return _PIECE_START.sub(piece, text)


def csv_cell(value, flavour: Flavour = STANDARD) -> str:
    """A cell as text, every piece that could start a formula neutralised (module doc)."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value).replace(".", flavour.decimal)
    text = str(value)
    if flavour.decimal != "." and _DECIMAL_TEXT.fullmatch(text):
        return text.replace(".", flavour.decimal)
    return _neutralise(text)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence],
              flavour: Flavour = STANDARD) -> Iterator[str]:
    """The CSV document line by line (for streaming), header first, every field quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=flavour.delimiter, quoting=csv.QUOTE_ALL,
                        lineterminator="\r\n")
    writer.writerow([csv_cell(v, flavour) for v in header])
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(v, flavour) for v in row])
        yield buffer.getvalue()


def requested_flavour() -> Flavour:
    """The flavour the request asks for (``?flavour=excel-fr``); the standard one otherwise."""
    return FLAVOURS.get(request.args.get(FLAVOUR_PARAMETER, ""), STANDARD)


def csv_response(header: Sequence[str], rows: Iterable[Sequence], filename: str) -> Response:
    """A CSV download of ``rows`` under ``header``, in the flavour the request asks for.

    ``filename`` ends in ``.csv``; the French flavour's ends in ``.fr.csv``.
    """
    flavour = requested_flavour()
    body = "".join(csv_lines(header, rows, flavour)).encode(flavour.encoding)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    filename = filename.removesuffix(".csv") + flavour.suffix
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
