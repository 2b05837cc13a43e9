"""The maturation pipeline as data, and its gates (no Flask, no SQLAlchemy).

The deliberation's steps « Faire naître des idées », « Les expérimenter », « Les
diffuser », with between the first two the « structures existantes permettant de
faire murir ces projets »: a project moves ``idee`` -> ``projet`` (maturation, with a
support structure) -> ``experimentation`` -> ``diffusion``; it may stop at
``abandonne`` from any live stage, with its lessons learned (« en permettant l'échec
(qui est apprenant) »).

:data:`TRANSITIONS` says which moves exist; :func:`check_move` says whether a
project may make one now (its gate), returning every missing condition, each
with a stable code and a message (a msgid, translated where it is shown).
Experiments are made « en code ouvert »: entering ``experimentation`` needs an
open licence from :data:`OPEN_LICENCES` and a public repository or
documentation URL.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


def N_(message: str) -> str:
    """Mark for extraction; the text is translated where it is shown."""
    return message


class Stage(enum.StrEnum):
    IDEE = "idee"
    PROJET = "projet"
    EXPERIMENTATION = "experimentation"
    DIFFUSION = "diffusion"
    ABANDONNE = "abandonne"


# Display names (msgids), in pipeline order.
STAGE_NAMES: Mapping[Stage, str] = MappingProxyType({
    Stage.IDEE: N_("Idea"),
    Stage.PROJET: N_("Project (maturation)"),
    Stage.EXPERIMENTATION: N_("Experiment"),
    Stage.DIFFUSION: N_("Diffusion"),
    Stage.ABANDONNE: N_("Stopped (lessons learned)"),
})

ORDER = (Stage.IDEE, Stage.PROJET, Stage.EXPERIMENTATION, Stage.DIFFUSION)

# Allowed moves: forward one stage, or stop from any live stage.
TRANSITIONS: Mapping[Stage, tuple[Stage, ...]] = MappingProxyType({
    Stage.IDEE: (Stage.PROJET, Stage.ABANDONNE),
    Stage.PROJET: (Stage.EXPERIMENTATION, Stage.ABANDONNE),
    Stage.EXPERIMENTATION: (Stage.DIFFUSION, Stage.ABANDONNE),
    Stage.DIFFUSION: (),
    Stage.ABANDONNE: (),
})


class Origin(enum.StrEnum):
    ROUND_WINNER = "round_winner"  # promoted from a voting round's confirmed winners
    PROPOSAL = "proposal"  # proposed directly to the committee by a citizen


class Qualification(enum.StrEnum):
    """What the committee made of a project proposed directly (subsidiarity)."""

    AWAITING = "awaiting"  # awaiting qualification
    QUALIFIED = "qualified"  # taken into the INS'pir pipeline
    ORIENTED_STRUCTURE = "oriented_structure"  # sent to a support structure
    ORIENTED_PROGRAMME = "oriented_programme"  # sent to another regional programme


# The other regional programmes a proposal may be oriented to (subsidiarity).
OTHER_PROGRAMMES: Mapping[str, str] = MappingProxyType({
    "innovation_sociale": N_("Social innovation"),
    "projets_etudiants": N_("Student projects"),
    "innovation_technologique": N_("Technological innovation"),
    "innovation_quartiers": N_("Innovation in the neighbourhoods"),
})

# Open licences (OSI-approved for code, open-content for documents and data),
# by SPDX identifier, with their display names.
OPEN_LICENCES: Mapping[str, str] = MappingProxyType({
    "AGPL-3.0-or-later": "GNU AGPL v3 or later",
    "GPL-3.0-or-later": "GNU GPL v3 or later",
    "LGPL-3.0-or-later": "GNU LGPL v3 or later",
    "MPL-2.0": "Mozilla Public License 2.0",
    "Apache-2.0": "Apache License 2.0",
    "MIT": "MIT License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "EUPL-1.2": "European Union Public Licence 1.2",
    "CECILL-2.1": "CeCILL 2.1",
    "CC-BY-4.0": "Creative Commons Attribution 4.0",
    "CC-BY-SA-4.0": "Creative Commons Attribution-ShareAlike 4.0",
    "CC0-1.0": "Creative Commons Zero 1.0",
    "etalab-2.0": "Licence Ouverte / Etalab 2.0",
    "ODbL-1.0": "Open Database License 1.0",
})

_PUBLIC_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
URL_MAX = 300


def is_public_url(value: str | None) -> bool:
    """An absolute http(s) URL, of a reasonable length."""
    return bool(value) and len(value) <= URL_MAX and bool(_PUBLIC_URL.match(value))


@dataclass(frozen=True)
class Missing:
    code: str  # stable, for programs
    message: str  # msgid
    field: str | None = None  # the form field that would provide it


@dataclass(frozen=True)
class ProjectFacts:
    """What the gates look at, as plain values."""

    stage: Stage
    licence: str | None = None
    repository_url: str | None = None
    results: str = ""  # documentation of results (Markdown)
    lessons: str = ""  # lessons learned (Markdown)
    support_structure: bool = False  # a support structure accompanies the project
    qualification: Qualification = Qualification.QUALIFIED


@dataclass(frozen=True)
class MoveVerdict:
    allowed: bool
    missing: tuple[Missing, ...] = field(default_factory=tuple)

    @property
    def codes(self) -> list[str]:
        return [m.code for m in self.missing]


def next_stages(stage: Stage) -> tuple[Stage, ...]:
    """The stages a project at ``stage`` may move to (:data:`TRANSITIONS`)."""
    return TRANSITIONS[Stage(stage)]


def check_move(facts: ProjectFacts, target: Stage | str) -> MoveVerdict:
    """May this project move to ``target`` now? Every missing condition is listed."""
    try:
        target = Stage(target)
    except ValueError:
        return MoveVerdict(False, (Missing("unknown_stage", N_("This stage does not exist.")),))
    if target not in TRANSITIONS[facts.stage]:
        return MoveVerdict(False, (Missing(
            "not_allowed", N_("A project cannot move from this stage to that one.")),))
    missing: list[Missing] = []
    if facts.qualification in (Qualification.AWAITING, Qualification.ORIENTED_PROGRAMME) \
            and target is not Stage.ABANDONNE:
        missing.append(Missing("not_qualified", N_(
            "The committee must first qualify this proposal for the INS'pir pipeline.")))
    if target is Stage.PROJET and not facts.support_structure:
        missing.append(Missing("support_structure_required", N_(
            "Maturation needs a support structure: choose the one accompanying the project."),
            "support_structure"))
    if target is Stage.EXPERIMENTATION:
        if facts.licence not in OPEN_LICENCES:
            missing.append(Missing("open_licence_required", N_(
                "An experiment is made in open code: choose an open licence from the list."),
                "licence"))
        if not is_public_url(facts.repository_url):
            missing.append(Missing("repository_required", N_(
                "An experiment needs a public repository or documentation address "
                "(http:// or https://)."), "repository_url"))
    if target is Stage.DIFFUSION and not (facts.results or "").strip():
        missing.append(Missing("results_required", N_(
            "Diffusion needs the documentation of the experiment's results."), "results"))
    if target is Stage.ABANDONNE and not (facts.lessons or "").strip():
        missing.append(Missing("lessons_required", N_(
            "Stopping a project needs its lessons learned: failure is allowed and documented."),
            "lessons"))
    return MoveVerdict(not missing, tuple(missing))
