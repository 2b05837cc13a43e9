"""bench/readme_table.py: a table written into README.md between its markers."""

from __future__ import annotations

import pytest
import readme_table

TEXT = """# Title

Intro.

<!-- demo-table -->
| a | b |
|---|---|
| 1 | 2 |

After the table.
"""


def test_render_escapes_pipes_and_shows_none_as_a_dash():
    lines = readme_table.render(["x", "y"], [["a|b", None], [1.5, 3]])
    assert lines == ["| x | y |", "|---|---|", "| a\\|b | – |", "| 1.5 | 3 |"]


def test_render_refuses_a_row_of_the_wrong_width():
    with pytest.raises(ValueError):
        readme_table.render(["x", "y"], [["only one"]])


def test_the_old_form_gets_its_end_marker_and_keeps_the_text_around():
    table = readme_table.render(["a", "b"], [[3, 4], [5, 6]])
    new = readme_table.replace_block(TEXT, "demo", table)
    assert new == TEXT.replace(
        "| 1 | 2 |\n", "| 3 | 4 |\n| 5 | 6 |\n<!-- /demo-table -->\n")
    # Written again: the block between the markers is replaced, nothing else moves.
    again = readme_table.replace_block(new, "demo", readme_table.render(["a"], [[7]]))
    assert again == TEXT.replace("| a | b |\n|---|---|\n| 1 | 2 |\n",
                                 "| a |\n|---|\n| 7 |\n<!-- /demo-table -->\n")


def test_a_missing_or_repeated_marker_is_an_error():
    with pytest.raises(ValueError, match="other-table"):
        readme_table.replace_block(TEXT, "other", ["| x |"])
    with pytest.raises(ValueError, match="more than once"):
        readme_table.replace_block(TEXT + "<!-- demo-table -->\n", "demo", ["| x |"])


def test_write_and_the_command_line(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(TEXT, encoding="utf-8")
    source = tmp_path / "results.md"
    source.write_text("# Results\n\n| a | b |\n|---|---|\n| 8 | 9 |\n\nNotes.\n",
                      encoding="utf-8")
    readme_table.main(["demo", str(source), "--readme", str(readme)])
    assert "| 8 | 9 |\n<!-- /demo-table -->\n\nAfter the table." in readme.read_text()
    assert not readme_table.write("demo", ["| a | b |", "|---|---|", "| 8 | 9 |"],
                                  str(readme))


def test_provenance_cells():
    cells = readme_table.provenance_cells({
        "date": "2026-12-05T19:04:31+00:00", "git_commit": "e5d4237", "git_dirty": True,
        "load_average_before": (0.81, 0.28, 0.1), "load_average": (1.5, 1, 1)})
    assert cells == ["2026-12-05 19:04", "e5d4237 (dirty)", "0.81 → 1.50"]
    assert readme_table.provenance_cells({}) == ["?", "?", "? → ?"]
