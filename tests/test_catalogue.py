"""The French catalogue passes gettext's own check (issue 18, 4.2): ``msgfmt --check``
(format strings, headers, duplicates; an obsolete entry duplicating a live one failed it).
Without msgfmt the test is skipped locally and fails under CI=true."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import service_missing

FR_PO = (Path(__file__).resolve().parents[1] / "inspir_events" / "translations" / "fr"
         / "LC_MESSAGES" / "messages.po")


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        service_missing("msgfmt (gettext)", "not on PATH: apt-get install gettext")
    return subprocess.run([msgfmt, "--check", "--output-file=/dev/null", str(path)],
                          capture_output=True, text=True, timeout=60, check=False)


def test_the_french_catalogue_passes_msgfmt_check():
    result = msgfmt_check(FR_PO)
    assert result.returncode == 0, result.stderr


def test_the_check_sees_an_obsolete_entry_duplicating_a_live_one(tmp_path):
    """What the review found: the same msgid live and again as an obsolete entry."""
    broken = tmp_path / "messages.po"
    text = FR_PO.read_text(encoding="utf-8")
    broken.write_text(text + '\n#~ msgid "Sign in"\n#~ msgstr "Connexion"\n', encoding="utf-8")
    result = msgfmt_check(broken)
    assert result.returncode != 0 and "duplicate message definition" in result.stderr
