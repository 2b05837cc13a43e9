"""The jury's rules, pure (no Flask, no SQLAlchemy): disciplines, criteria, scores, the
ranking and the quorum.

The deliberation asks for a « jury pluridisciplinaire » (issue 19 §2): the committee names
each member with a discipline; each member scores each application on the subject's
criteria (by default the seven principles of the INS'pir charter, plus feasibility and
reproducibility), 0 to 5 each, with a comment. A decision on an application needs a
quorum: at least ``quorum`` members, not recused from it, who scored every criterion,
and at least ``min_disciplines`` distinct disciplines among them.

Figures are exact (:class:`~fractions.Fraction`), rounded only where they are shown:

- a member's mean: the mean of their scores on the criteria;
- an application's mean: the mean of the means of the members who scored every
  criterion (a member who has not finished counts for nothing yet);
- its spread: the population standard deviation of those members' means (0 with one
  member), computed from the exact variance with :mod:`decimal`, to 28 digits;
- the ranking: by mean, highest first, equal means sharing a rank ("1, 2, 2, 4");
  applications nobody finished scoring come last, unranked.

Messages are msgids (:func:`N_`), translated where they are shown.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from types import MappingProxyType

from inspir_events.labels.charter import PRINCIPLES

SCORE_MIN, SCORE_MAX = 0, 5
COMMENT_MAX = 1000
DEFAULT_QUORUM = 2
DEFAULT_MIN_DISCIPLINES = 2
QUORUM_MAX = 50


def N_(message: str) -> str:
    """Mark for extraction; the text is translated where it is shown."""
    return message


class Discipline(enum.StrEnum):
    """What a jury member brings (« jury pluridisciplinaire »)."""

    DIGITAL = "digital"
    SOCIAL_INNOVATION = "social_innovation"
    DOMAIN = "domain"  # the call's own domain (health, mobility...)
    TERRITORY = "territory"
    INHABITANT = "inhabitant"  # an inhabitant, a future user
    ECONOMY = "economy"
    RESEARCH = "research"
    OTHER = "other"


DISCIPLINE_NAMES: Mapping[Discipline, str] = MappingProxyType({
    Discipline.DIGITAL: N_("Digital"),
    Discipline.SOCIAL_INNOVATION: N_("Social innovation"),
    Discipline.DOMAIN: N_("The call's domain"),
    Discipline.TERRITORY: N_("Territory"),
    Discipline.INHABITANT: N_("Inhabitant or user"),
    Discipline.ECONOMY: N_("Economy"),
    Discipline.RESEARCH: N_("Research"),
    Discipline.OTHER: N_("Other"),
})


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str  # msgid


# The charter's seven principles, then feasibility and reproducibility (issue 19 §2.2).
CRITERIA: tuple[Criterion, ...] = (
    *(Criterion(p.code, p.title) for p in PRINCIPLES),
    Criterion("feasibility", N_("Feasibility")),
    Criterion("reproducibility", N_("Reproducibility")),
)
CRITERION_CODES: tuple[str, ...] = tuple(c.code for c in CRITERIA)
CRITERION_NAMES: Mapping[str, str] = MappingProxyType({c.code: c.title for c in CRITERIA})


def valid_criteria(codes: Iterable[str]) -> tuple[str, ...]:
    """The known criteria among ``codes``, in the default order (ValueError: none)."""
    chosen = set(codes)
    unknown = chosen - set(CRITERION_CODES)
    if unknown:
        raise ValueError(f"unknown criteria: {sorted(unknown)}")
    kept = tuple(code for code in CRITERION_CODES if code in chosen)
    if not kept:
        raise ValueError("no criterion")
    return kept


def valid_score(value) -> bool:
    """A whole number from 0 to 5 (bool refused)."""
    return isinstance(value, int) and not isinstance(value, bool) \
        and SCORE_MIN <= value <= SCORE_MAX


# --- One member, one application ------------------------------------------------------

def is_complete(scores: Mapping[str, int], criteria: Collection[str]) -> bool:
    """Has the member scored every criterion (with a valid score)?"""
    return all(valid_score(scores.get(code)) for code in criteria)


def member_mean(scores: Mapping[str, int], criteria: Collection[str]) -> Fraction | None:
    """The mean of a member's scores on the criteria; None until every one is scored."""
    if not criteria or not is_complete(scores, criteria):
        return None
    return Fraction(sum(scores[code] for code in criteria), len(criteria))


# --- One application, the whole jury --------------------------------------------------

@dataclass(frozen=True)
class MemberScores:
    """What the quorum and the ranking read of one member for one application."""

    user_id: int
    discipline: Discipline
    scores: Mapping[str, int]
    recused: bool = False


@dataclass(frozen=True)
class QuorumVerdict:
    reached: bool
    scorers: int  # members not recused who scored every criterion
    disciplines: tuple[Discipline, ...]  # theirs, distinct, in the enum's order
    quorum: int
    min_disciplines: int
    missing: tuple[tuple[str, Mapping[str, object]], ...]  # (msgid, params) per lack


def counted(members: Iterable[MemberScores], criteria: Collection[str]) -> list[MemberScores]:
    """The members who count for an application: not recused, every criterion scored."""
    return [m for m in members if not m.recused and is_complete(m.scores, criteria)]


def quorum(members: Iterable[MemberScores], criteria: Collection[str], quorum_size: int,
           min_disciplines: int) -> QuorumVerdict:
    """May the committee decide on the application? At least ``quorum_size`` members not
    recused who scored every criterion, and ``min_disciplines`` distinct disciplines
    among them; a recused member never counts (« déport »)."""
    scorers = counted(members, criteria)
    disciplines = tuple(d for d in Discipline if d in {m.discipline for m in scorers})
    missing = []
    if len(scorers) < quorum_size:
        missing.append((N_("%(scorers)d of the %(quorum)d jury members needed have scored "
                           "every criterion (recused members do not count)."),
                        {"scorers": len(scorers), "quorum": quorum_size}))
    if len(disciplines) < min_disciplines:
        missing.append((N_("%(disciplines)d of the %(minimum)d disciplines needed are "
                           "present among them."),
                        {"disciplines": len(disciplines), "minimum": min_disciplines}))
    return QuorumVerdict(not missing, len(scorers), disciplines, quorum_size,
                         min_disciplines, tuple(missing))


def spread(means: Collection[Fraction]) -> Decimal | None:
    """The population standard deviation of the members' means (None without any)."""
    if not means:
        return None
    average = sum(means, Fraction(0)) / len(means)
    variance = sum(((m - average) ** 2 for m in means), Fraction(0)) / len(means)
    with localcontext() as context:
        context.prec = 28
        return (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()


@dataclass(frozen=True)
class Result:
    """One application's place in the jury's eyes."""

    application_id: int
    mean: Fraction | None
    spread: Decimal | None
    scorers: int
    disciplines: tuple[Discipline, ...]
    quorum: QuorumVerdict
    rank: int | None = None


def result(application_id: int, members: Iterable[MemberScores], criteria: Collection[str],
           quorum_size: int, min_disciplines: int) -> Result:
    """The application's mean and spread over the members who count, and its quorum."""
    members = list(members)
    verdict = quorum(members, criteria, quorum_size, min_disciplines)
    means = [member_mean(m.scores, criteria) for m in counted(members, criteria)]
    mean = sum(means, Fraction(0)) / len(means) if means else None
    return Result(application_id, mean, spread(means), verdict.scorers, verdict.disciplines,
                  verdict)


def ranking(results: Iterable[Result]) -> list[Result]:
    """Highest mean first, equal means sharing a rank (1, 2, 2, 4); unscored last,
    unranked; ties and the unscored in application order."""
    results = list(results)
    scored = sorted((r for r in results if r.mean is not None),
                    key=lambda r: (-r.mean, r.application_id))
    ranked, previous, rank = [], None, 0
    for position, row in enumerate(scored, start=1):
        if row.mean != previous:
            rank, previous = position, row.mean
        ranked.append(Result(row.application_id, row.mean, row.spread, row.scorers,
                             row.disciplines, row.quorum, rank))
    unscored = sorted((r for r in results if r.mean is None), key=lambda r: r.application_id)
    return ranked + unscored


def rounded(value: Fraction | Decimal | None, places: int = 1) -> Decimal | None:
    """A figure rounded half up for display ("3,8" in French)."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
