"""Write a benchmark's table into README.md between two markers (issue 21 §7).

A table in README.md is framed by two HTML comments that Markdown does not show:

    <!-- live-voting-table -->
    | clients | ... | date (UTC) | commit | load avg |
    |---|---|...
    <!-- /live-voting-table -->

and is rewritten whole by one command, never by hand. A bench builds its rows (each with
the run's date, commit and load average: ``provenance_cells``), renders them
(``render``) and writes them (``write``); or, from the shell, the first table of a
results file goes in:

    .venv/bin/python bench/readme_table.py NAME bench/results/FILE.md [--readme README.md]

A README whose start marker is followed by a table but no end marker (as before this
module) gets the end marker on the first write. No start marker: an error, as the
table's place in the text is the author's choice. Standard library only, no I/O beyond
the files named.
"""

from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
README = os.path.join(os.path.dirname(HERE), "README.md")

PROVENANCE_COLUMNS = ("date (UTC)", "commit", "load avg before → after")


def start_marker(name: str) -> str:
    return f"<!-- {name}-table -->"


def end_marker(name: str) -> str:
    return f"<!-- /{name}-table -->"


def _load(value) -> str:
    if not value:
        return "?"
    return f"{value[0]:.2f}"


def provenance_cells(machine: dict) -> list[str]:
    """A row's date, commit and load average (1 min, before → after the run), from the
    ``machine()`` dict of bench/needs_board.py (``load_average_before`` set by the bench)."""
    date = (machine.get("date") or "?")[:16].replace("T", " ")
    commit = machine.get("git_commit") or "?"
    if machine.get("git_dirty"):
        commit += " (dirty)"
    load = f"{_load(machine.get('load_average_before'))} → {_load(machine.get('load_average'))}"
    return [date, commit, load]


def _cell(value) -> str:
    if value is None:
        return "–"
    text = value if isinstance(value, str) else f"{value:g}" if isinstance(value, float) \
        else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def render(columns: list[str], rows: list[list]) -> list[str]:
    """A Markdown table: the header, the rule, one line per row (None shows as "–")."""
    if any(len(row) != len(columns) for row in rows):
        raise ValueError("every row needs one cell per column")
    lines = ["| " + " | ".join(_cell(c) for c in columns) + " |",
             "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def extract_table(text: str) -> list[str]:
    """The first Markdown table of a text (its contiguous lines starting with "|")."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|"):
            end = i
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            return lines[i:end]
    raise ValueError("no Markdown table in this text")


def replace_block(text: str, name: str, table: list[str]) -> str:
    """``text`` with the table between NAME's markers replaced by ``table``."""
    start, end = start_marker(name), end_marker(name)
    lines = text.split("\n")
    try:
        first = next(i for i, line in enumerate(lines) if line.strip() == start)
    except StopIteration:
        raise ValueError(f"no {start} in the text: put it where the table goes") from None
    if sum(1 for line in lines if line.strip() == start) > 1:
        raise ValueError(f"{start} appears more than once")
    try:
        last = next(i for i in range(first + 1, len(lines)) if lines[i].strip() == end)
        rest = lines[last + 1:]
    except StopIteration:  # the old form: a table right after the start marker
        last = first + 1
        while last < len(lines) and lines[last].startswith("|"):
            last += 1
        rest = lines[last:]
    return "\n".join(lines[:first + 1] + list(table) + [end] + rest)


def write(name: str, table: list[str], readme: str = README) -> bool:
    """Rewrite NAME's table in ``readme``; True when the file changed."""
    with open(readme, encoding="utf-8") as f:
        old = f.read()
    new = replace_block(old, name, table)
    if new == old:
        return False
    with open(readme, "w", encoding="utf-8") as f:
        f.write(new)
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a table into README.md between "
                                                 "<!-- NAME-table --> and <!-- /NAME-table -->.")
    parser.add_argument("name", help="the table's name, e.g. live-voting")
    parser.add_argument("source", help="a Markdown file: its first table is written")
    parser.add_argument("--readme", default=README)
    args = parser.parse_args(argv)
    with open(args.source, encoding="utf-8") as f:
        table = extract_table(f.read())
    changed = write(args.name, table, args.readme)
    print(f"{args.readme}: {args.name} table {'rewritten' if changed else 'unchanged'} "
          f"({len(table) - 2} rows)", file=sys.stderr)


if __name__ == "__main__":
    main()
