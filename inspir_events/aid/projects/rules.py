"""The projects' pure rules besides the stages' gates (no Flask, no SQLAlchemy): which
projects the public lists show, and the folded text their search compares.

- A project proposed directly to the committee is not listed while it awaits the
  committee's qualification, nor once the committee oriented it towards another
  regional programme (subsidiarity: it left the INS'pir pipeline). Every public list
  (the pipeline's, the store, a structure's page, a need's lineage, the API and the
  statistics) reads this rule, here or through ``Project.is_listed``.
- The search text is folded (lower case, no accents) like the needs' boards
  (:func:`inspir_events.needs.rules.fold`), so "deja" finds "déjà"; it is kept in
  ``Project.search_text`` and the store's search matches words against it.
"""

from __future__ import annotations

from inspir_events import markdown
from inspir_events.aid.projects.stages import Qualification
from inspir_events.needs.rules import fold

# Outside the INS'pir pipeline's public lists: awaiting the committee, or sent elsewhere.
NOT_LISTED = (Qualification.AWAITING, Qualification.ORIENTED_PROGRAMME)
SEARCH_TEXT_MAX = 40_000


def is_listed(qualification: Qualification | str) -> bool:
    """Is a project with this qualification shown in the public lists?"""
    return Qualification(qualification) not in NOT_LISTED


def search_text_of(project) -> str:
    """The folded title, summary, results and lessons of ``project`` (any object with
    those attributes): what the store's search matches words against."""
    parts = [project.title or ""]
    for text in (project.summary, project.results, project.lessons):
        if text:
            parts.append(markdown.to_text(text, SEARCH_TEXT_MAX // 4))
    return fold("\n".join(parts))[:SEARCH_TEXT_MAX]
