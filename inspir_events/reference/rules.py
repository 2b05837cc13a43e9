"""Territorial rules: how a typed commune name is matched, and which commune it names.

Pure: the standard library only. A place is a department and, where given, one of its
communes (issue 20 §3): a name is compared without case, accents, hyphens or apostrophes,
and must name a commune of the department chosen.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[^a-z0-9]+")
_WITH_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d[0-9AB]\d{3})\)\s*$")
_CODE = re.compile(r"^\d[0-9AB]\d{3}$")


def fold_name(name: str) -> str:
    """A name folded for comparison: "Saint-Amand-les-Eaux" is "saint amand les eaux"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    folded = _SEPARATORS.sub(" ", ascii_name.lower()).strip()
    # "St" and "Ste" are how people write Saint and Sainte.
    return re.sub(r"\bste\b", "sainte", re.sub(r"\bst\b", "saint", folded))


def label(name: str, code: str) -> str:
    """How a commune is written in a form: its name and INSEE code, "Lille (59350)"."""
    return f"{name} ({code})"


@dataclass(frozen=True)
class CommuneChoice:
    """A commune as the rules see it."""

    code: str
    name: str
    department: str


@dataclass(frozen=True)
class Typed:
    """What was typed in a commune field: an INSEE code, a folded name, or both."""

    code: str | None
    folded: str


def parse(text: str) -> Typed | None:
    """Read a commune field: "Lille (59350)", "59350" or "lille"; None when blank."""
    text = (text or "").strip()
    if not text:
        return None
    with_code = _WITH_CODE.match(text)
    if with_code:
        return Typed(with_code["code"].upper(), fold_name(with_code["name"]))
    if _CODE.match(text.upper()):
        return Typed(text.upper(), "")
    return Typed(None, fold_name(text))


class Problem(enum.StrEnum):
    """Why a typed commune names no commune of the department."""

    UNKNOWN_CODE = "unknown_code"
    UNKNOWN_NAME = "unknown_name"
    OTHER_DEPARTMENT = "other_department"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Resolution:
    """The commune found, or the problem and the departments where the name was found."""

    commune: CommuneChoice | None
    problem: Problem | None = None
    departments: tuple[str, ...] = ()


def resolve(typed: Typed, department: str | None, by_code: CommuneChoice | None,
            by_name: list[CommuneChoice]) -> Resolution:
    """The one commune of the department that was typed, or why there is none.

    `by_code` is the commune of the typed INSEE code (if any), `by_name` the communes of the
    region whose folded name is the one typed. Without a department, a name must be unique
    in the region.
    """
    if typed.code is not None:
        if by_code is None:
            return Resolution(None, Problem.UNKNOWN_CODE)
        candidates = [by_code]
    else:
        if not by_name:
            return Resolution(None, Problem.UNKNOWN_NAME)
        candidates = [c for c in by_name if not department or c.department == department]
        if len(candidates) > 1:
            return Resolution(None, Problem.AMBIGUOUS)
    if not candidates or (department and candidates[0].department != department):
        found_in = tuple(sorted({c.department for c in (candidates or by_name)}))
        return Resolution(None, Problem.OTHER_DEPARTMENT, found_in)
    return Resolution(candidates[0])
