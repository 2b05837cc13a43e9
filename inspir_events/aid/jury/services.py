"""The jury's use cases and reads: naming members, the quorum, scoring, the ranking.

Generic: a subject (a call for projects, a co-funding session...) is whatever a feature
registered in :mod:`.registry`; its applications say who is party to them through
recusal. Rules (:mod:`.rules`):

- the committee names and removes members, each with a discipline, and sets the quorum
  and the number of disciplines needed (:func:`name_member`, :func:`remove_member`,
  :func:`set_quorum`); the feature owning the subject creates its jury and chooses its
  criteria in its own use case's transaction (:func:`setup`);
- a member scores an application while the subject's scoring is open and the application
  is not decided, never one they are party to or declared a conflict on (« déport »:
  403, the attempt audited by :func:`inspir_events.recusal.services.check`); every score
  is audited (:func:`score`);
- the deciders call :func:`require_quorum` before any decision, and store
  :func:`ranking_citation` in it;
- scores stay private: the jury's members, the committee and the administrators read
  them (:func:`may_see_scores`); once the subject's results are published, anyone reads
  the ranking (means and spreads), never a score or a comment (:func:`public_ranking`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale, format_decimal, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from inspir_events.accounts.models import User
from inspir_events.aid.envelopes.services import is_committee
from inspir_events.aid.jury import registry, rules
from inspir_events.aid.jury.models import Jury, JuryMember, JuryScore
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.recusal import services as recusal
from inspir_events.timeutil import utcnow


class JuryError(DomainError):
    """A jury use case refused (422 unless a subclass says otherwise)."""


class JuryForbidden(JuryError):
    status = 403


class JuryNotFound(JuryError):
    status = 404

    def __init__(self):
        super().__init__(_l("This page does not exist."))


class JuryConflict(JuryError):
    status = 409


class QuorumNotReached(JuryError):
    """No decision yet: the jury's quorum or its disciplines are missing (409)."""

    status = 409

    def __init__(self, verdict: rules.QuorumVerdict):
        lacks = " ".join(gettext(message, **params) for message, params in verdict.missing)
        super().__init__(_l("The jury has not reached its quorum for this application: "
                            "%(lacks)s", lacks=lacks))
        self.verdict = verdict


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def _signed_in(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False))


# --- Reading ----------------------------------------------------------------------------

def subject(subject_type: str, subject_id: int) -> registry.JuriedSubject:
    """The registered subject type, when this subject exists (404 otherwise)."""
    if not registry.is_registered(subject_type) or not _valid_id(subject_id):
        raise JuryNotFound()
    described = registry.subject_of(subject_type)
    if described.title(subject_id) is None:
        raise JuryNotFound()
    return described


def jury_of(subject_type: str, subject_id: int) -> Jury | None:
    return db.session.scalar(select(Jury).where(Jury.subject_type == str(subject_type),
                                                Jury.subject_id == subject_id))


def membership(user, jury: Jury | None) -> JuryMember | None:
    """The user's seat on the jury, if they hold one."""
    if jury is None or not _signed_in(user):
        return None
    return db.session.scalar(select(JuryMember).where(JuryMember.jury_id == jury.id,
                                                      JuryMember.user_id == user.id))


def may_see_scores(user, subject_type: str, subject_id: int) -> bool:
    """The jury's members, the committee and the administrators (before and after the
    results are published)."""
    if not _signed_in(user):
        return False
    if is_committee(user) or user.is_admin:
        return True
    return membership(user, jury_of(subject_type, subject_id)) is not None


def may_manage(user) -> bool:
    """The committee names the jury and sets its quorum."""
    return is_committee(user)


def applications(subject_type: str, subject_id: int) -> list[registry.JuriedApplication]:
    return list(subject(subject_type, subject_id).applications(subject_id))


def application_of(subject_type: str, subject_id: int,
                   application_id: int) -> registry.JuriedApplication:
    for row in applications(subject_type, subject_id):
        if row.id == application_id:
            return row
    raise JuryNotFound()


def recusal_of(user, application: registry.JuriedApplication) -> str | None:
    """Why this person takes no part in judging the application (None: they may)."""
    return recusal.refusal(user, application.recusal_type, application.recusal_id)


def _scores(jury: Jury, application: registry.JuriedApplication,
            user_id: int | None = None) -> list[JuryScore]:
    query = select(JuryScore).where(JuryScore.jury_id == jury.id,
                                    JuryScore.application_type == application.recusal_type,
                                    JuryScore.application_id == application.id)
    if user_id is not None:
        query = query.where(JuryScore.user_id == user_id)
    return list(db.session.scalars(query.order_by(JuryScore.id)))


def own_scores(user, subject_type: str, subject_id: int,
               application_id: int) -> dict[str, JuryScore]:
    """This member's scores of the application, per criterion."""
    jury = jury_of(subject_type, subject_id)
    if jury is None or not _signed_in(user):
        return {}
    application = application_of(subject_type, subject_id, application_id)
    return {row.criterion: row for row in _scores(jury, application, user.id)}


def member_scores(jury: Jury, subject_type: str,
                  application: registry.JuriedApplication) -> list[rules.MemberScores]:
    """What the rules read of each current member for the application (recused or not)."""
    by_member: dict[int, dict[str, int]] = {}
    for row in _scores(jury, application):
        by_member.setdefault(row.user_id, {})[row.criterion] = row.score
    parties = recusal.parties(application.recusal_type, application.recusal_id)
    result = []
    for member in jury.members:
        recused = member.user_id in parties or recusal.declared(
            member.user_id, application.recusal_type, application.recusal_id) is not None
        result.append(rules.MemberScores(member.user_id, rules.Discipline(member.discipline),
                                         by_member.get(member.user_id, {}), recused))
    return result


def result_of(subject_type: str, subject_id: int,
              application: registry.JuriedApplication) -> rules.Result:
    jury = jury_of(subject_type, subject_id)
    if jury is None:
        verdict = rules.quorum([], rules.CRITERION_CODES, rules.DEFAULT_QUORUM,
                               rules.DEFAULT_MIN_DISCIPLINES)
        return rules.Result(application.id, None, None, 0, (), verdict)
    return rules.result(application.id, member_scores(jury, subject_type, application),
                        jury.criteria, jury.quorum, jury.min_disciplines)


@dataclass
class RankingRow:
    application: registry.JuriedApplication
    result: rules.Result
    members: list[rules.MemberScores] = field(default_factory=list)  # empty when public


def _ranking(subject_type: str, subject_id: int, with_members: bool) -> list[RankingRow]:
    jury = jury_of(subject_type, subject_id)
    rows = {a.id: a for a in applications(subject_type, subject_id)}
    members = {a.id: (member_scores(jury, subject_type, a) if jury else []) for a in
               rows.values()}
    results = [result_of(subject_type, subject_id, a) for a in rows.values()]
    return [RankingRow(rows[r.application_id], r,
                       members[r.application_id] if with_members else [])
            for r in rules.ranking(results)]


def ranking(viewer, subject_type: str, subject_id: int) -> list[RankingRow]:
    """The jury's ranking with each member's scores, for those who may see them (403
    for anyone else)."""
    subject(subject_type, subject_id)
    if not may_see_scores(viewer, subject_type, subject_id):
        raise JuryForbidden(_l("The jury's scores are private to its members and the "
                               "committee."))
    return _ranking(subject_type, subject_id, with_members=True)


def public_ranking(subject_type: str, subject_id: int) -> list[RankingRow]:
    """The published ranking: means and spreads, no member's score (empty until the
    subject's results are published)."""
    described = subject(subject_type, subject_id)
    if not described.published(subject_id):
        return []
    return _ranking(subject_type, subject_id, with_members=False)


def require_quorum(subject_type: str, subject_id: int, application_id: int) -> rules.Result:
    """The application's result, if the jury may let the committee decide on it:
    :class:`QuorumNotReached` (409) otherwise, saying what is missing."""
    application = application_of(subject_type, subject_id, application_id)
    result = result_of(subject_type, subject_id, application)
    if not result.quorum.reached:
        raise QuorumNotReached(result.quorum)
    return result


def shown(value) -> str:
    """A mean or a spread as the pages show it, to one decimal (« 3,8 »); « – » for none."""
    return "–" if value is None else format_decimal(rules.rounded(value), format="0.0")


_number = shown


def ranking_citation(subject_type: str, subject_id: int, application_id: int) -> str:
    """The jury's ranking of the application as the decision cites it, in the platform's
    default language (« Classement du jury : rang 2 sur 5, moyenne 3,8/5, écart 0,6,
    3 membres, 3 disciplines »)."""
    rows = _ranking(subject_type, subject_id, with_members=False)
    row = next((r for r in rows if r.application.id == application_id), None)
    if row is None:
        raise JuryNotFound()
    ranked = sum(1 for r in rows if r.result.rank is not None)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if row.result.mean is None:
            return gettext("Jury's ranking: not scored yet.")
        return gettext("Jury's ranking: rank %(rank)d of %(count)d, mean %(mean)s/5, spread "
                       "%(spread)s, %(scorers)d members, %(disciplines)d disciplines.",
                       rank=row.result.rank, count=ranked, mean=_number(row.result.mean),
                       spread=_number(row.result.spread), scorers=row.result.scorers,
                       disciplines=len(row.result.disciplines))


# --- Setting the jury up (the committee) --------------------------------------------------

def setup(subject_type: str, subject_id: int, criteria=None) -> Jury:
    """Create the subject's jury, or change its criteria (None: every default criterion),
    in the caller's transaction: the feature owning the subject calls it from its use case
    (a call's creation or edition), which checks who may and commits."""
    codes = list(rules.valid_criteria(criteria if criteria else rules.CRITERION_CODES))
    jury = jury_of(subject_type, subject_id)
    if jury is None:
        jury = Jury(subject_type=str(subject_type), subject_id=subject_id, criteria=codes,
                    quorum=rules.DEFAULT_QUORUM, min_disciplines=rules.DEFAULT_MIN_DISCIPLINES)
        db.session.add(jury)
    else:
        jury.criteria = codes
    db.session.flush()
    return jury


def _managed(actor, subject_type: str, subject_id: int) -> Jury:
    if not may_manage(actor):
        raise JuryForbidden(_l("Only the committee names the jury."))
    described = subject(subject_type, subject_id)
    if not described.scoring_open(subject_id):
        raise JuryConflict(_l("The results are decided: the jury can no longer change."))
    begin_write()
    return jury_of(subject_type, subject_id) or setup(subject_type, subject_id)


@use_case
def name_member(actor: User, subject_type: str, subject_id: int, user_id: int,
                discipline: str) -> JuryMember:
    """The committee names a person to the subject's jury with their discipline (naming
    them again changes their discipline); audited ``jury.name``."""
    try:
        discipline = rules.Discipline(discipline)
    except ValueError:
        raise JuryError(_l("Choose a discipline."), field="discipline") from None
    person = db.session.get(User, user_id) if _valid_id(user_id) else None
    if person is None:
        raise JuryError(_l("Choose a person."), field="user")
    jury = _managed(actor, subject_type, subject_id)
    member = membership(person, jury)
    if member is None:
        member = JuryMember(jury_id=jury.id, user_id=person.id, discipline=discipline,
                            named_by_id=actor.id, named_at=utcnow())
        db.session.add(member)
    else:
        member.discipline = discipline
    db.session.flush()
    audit.record(actor, "jury.name", str(subject_type), subject_id, user_id=person.id,
                 discipline=discipline.value)
    db.session.commit()
    return member


@use_case
def remove_member(actor: User, subject_type: str, subject_id: int, user_id: int) -> None:
    """The committee removes a member (their scores no longer count); audited."""
    jury = _managed(actor, subject_type, subject_id)
    removed = db.session.execute(delete(JuryMember).where(
        JuryMember.jury_id == jury.id, JuryMember.user_id == user_id))
    if not removed.rowcount:
        raise JuryNotFound()
    audit.record(actor, "jury.remove", str(subject_type), subject_id, user_id=user_id)
    db.session.commit()


@use_case
def set_quorum(actor: User, subject_type: str, subject_id: int, quorum: int,
               min_disciplines: int) -> Jury:
    """The committee sets how many members and disciplines a decision needs; audited."""
    if not (_valid_id(quorum) and quorum <= rules.QUORUM_MAX):
        raise JuryError(_l("A whole number from 1 to %(max)d.", max=rules.QUORUM_MAX),
                        field="quorum")
    if not (_valid_id(min_disciplines) and min_disciplines <= len(rules.Discipline)):
        raise JuryError(_l("A whole number from 1 to %(max)d.", max=len(rules.Discipline)),
                        field="min_disciplines")
    if min_disciplines > quorum:
        raise JuryError(_l("No more disciplines than members."), field="min_disciplines")
    jury = _managed(actor, subject_type, subject_id)
    before = (jury.quorum, jury.min_disciplines)
    jury.quorum, jury.min_disciplines = quorum, min_disciplines
    audit.record(actor, "jury.quorum", str(subject_type), subject_id, before=list(before),
                 quorum=quorum, min_disciplines=min_disciplines)
    db.session.commit()
    return jury


# --- Scoring (a member) -------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreInput:
    score: int | None
    comment: str = ""


@use_case
def score(member: User, subject_type: str, subject_id: int, application_id: int,
          scores: Mapping[str, ScoreInput]) -> list[JuryScore]:
    """A jury member scores an application on each of the jury's criteria, 0 to 5 with a
    comment (scoring again replaces their scores); audited ``jury.score``.

    Refused: not a member (403); the subject's scoring closed or the application decided
    (409); a member party to the application or who declared a conflict on it (403, the
    attempt audited: « déport »); a missing or out-of-range score, or a comment too long
    (422, next to its criterion: ``score_<code>``, ``comment_<code>``).
    """
    described = subject(subject_type, subject_id)
    jury = jury_of(subject_type, subject_id)
    if membership(member, jury) is None:
        raise JuryForbidden(_l("Only the jury's members score the applications."))
    application = application_of(subject_type, subject_id, application_id)
    recusal.check(member, application.recusal_type, application.recusal_id, "jury.score")
    if not described.scoring_open(subject_id) or application.decided:
        raise JuryConflict(_l("This application is decided: it can no longer be scored."))
    for code in jury.criteria:
        given = scores.get(code)
        if given is None or not rules.valid_score(given.score):
            raise JuryError(_l("Give a score from %(min)d to %(max)d.", min=rules.SCORE_MIN,
                               max=rules.SCORE_MAX), field=f"score_{code}")
        if len((given.comment or "").strip()) > rules.COMMENT_MAX:
            raise JuryError(_l("At most %(max)d characters.", max=rules.COMMENT_MAX),
                            field=f"comment_{code}")
    begin_write()
    db.session.execute(delete(JuryScore).where(
        JuryScore.jury_id == jury.id, JuryScore.user_id == member.id,
        JuryScore.application_type == application.recusal_type,
        JuryScore.application_id == application.id))
    now = utcnow()
    rows = [JuryScore(jury_id=jury.id, user_id=member.id,
                      application_type=application.recusal_type,
                      application_id=application.id, criterion=code,
                      score=scores[code].score, comment=(scores[code].comment or "").strip(),
                      scored_at=now) for code in jury.criteria]
    db.session.add_all(rows)
    audit.record(member, "jury.score", application.recusal_type, application.recusal_id,
                 subject_type=str(subject_type), subject_id=subject_id,
                 scores={row.criterion: row.score for row in rows},
                 comments={row.criterion: row.comment for row in rows if row.comment})
    db.session.commit()
    return rows


def people() -> list[User]:
    """The accounts the committee may name to a jury (deleted ones excepted), by name."""
    return [user for user in db.session.scalars(select(User).order_by(User.display_name,
                                                                       User.id))
            if not user.is_deleted]
