"""The committee's weekly digest (issue 17 §3): what waits in each member's queues, in ONE
e-mail a week, never one e-mail per item.

Every Monday at 8:00 (Paris), each member who may decide something gets the list of
what waits for them, each with its link: label requests awaiting the committee's
decision, co-funding applications submitted and not decided — the Region's committee
sees every one, a delegated envelope's decider those entrusted to their envelope
(« dans les mêmes conditions », :func:`decisions.queue`) — and citizens' proposals
awaiting their qualification. What a member takes no part in deciding (« déport »: they
are party to it, or declared a conflict) is left out. Nothing waits: no e-mail.

Once per member and week whatever runs it: the message carries the key
"committee.weekly:<ISO week in Paris>:<member>" (mail ``once_key``), so a second worker
running the task in the same week writes nothing for that member. The kind is not
essential (its one-click unsubscribe stops it) and has no daily digest of its own.

It reads labels and two aid sub-packages (co-funding, projects), so it stands beside
aid/views.py, above them, and registers its task with the aid blueprint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.aid.blueprint import bp
from inspir_events.aid.cofunding import decisions
from inspir_events.aid.envelopes.models import Envelope, EnvelopeMember
from inspir_events.aid.projects import queries as projects
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Qualification, Stage
from inspir_events.database import begin_write, retrying
from inspir_events.extensions import db
from inspir_events.labels import services as labels
from inspir_events.mail import rules, tasks
from inspir_events.mail.kinds import MailKind, declare
from inspir_events.mail.rendering import absolute_url
from inspir_events.mail.services import enqueue
from inspir_events.timeutil import utc_to_paris, utcnow

log = logging.getLogger(__name__)

KIND = "committee.weekly"
TASK = "aid.committee_digest"
AT = tasks.paris_time(minute=0, hour=8, day_of_week=1)  # Mondays at 8:00 in Paris

declare(bp, MailKind(KIND, title=_l("What waits in my committee queues (weekly)"),
                     subject=_l("INS'pir: what waits for your decision this week"),
                     essential=False, digestible=False, group=_l("The committee")))


@dataclass(frozen=True)
class Waiting:
    """One item of a queue, as the digest lists it."""

    title: str
    link: str
    since: datetime | None


@dataclass
class Queues:
    """What waits for one member."""

    labels: list[Waiting] = field(default_factory=list)
    applications: list[Waiting] = field(default_factory=list)
    proposals: list[Waiting] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.labels) + len(self.applications) + len(self.proposals)


def week_of(moment: datetime) -> str:
    """The ISO week in Paris of a stored (naive UTC) time: "2026-W10"."""
    year, week, _day = utc_to_paris(moment).isocalendar()
    return f"{year}-W{week:02d}"


def members() -> list[int]:
    """Who decides something: the committee, and the deciders of delegated envelopes."""
    committee = select(UserRole.user_id).where(UserRole.role == Role.COMMITTEE)
    deciders = select(EnvelopeMember.user_id).join(
        Envelope, Envelope.id == EnvelopeMember.envelope_id).where(
        Envelope.parent_id.is_not(None))
    ids = sorted(set(db.session.scalars(committee)) | set(db.session.scalars(deciders)))
    db.session.commit()  # end the read
    return ids


def _label_requests(member: User) -> list[Waiting]:
    if not member.has_role(Role.COMMITTEE):
        return []
    requests = labels.queue()
    recused = labels.recusals(member, requests)
    return [Waiting(r.subject_title, absolute_url("labels.queue"), r.created_at)
            for r in requests if r.id not in recused]


def _applications(member: User) -> list[Waiting]:
    if not decisions.can_review(member):
        return []
    return [Waiting(a.event.title, absolute_url("aid.review", application_id=a.id),
                    a.submitted_at)
            for a in decisions.queue(member) if decisions.recusal_of(member, a) is None]


def _proposals(member: User) -> list[Waiting]:
    if not member.has_role(Role.COMMITTEE):
        return []
    awaiting = db.session.scalars(select(Project).where(
        Project.stage == Stage.IDEE, Project.qualification == Qualification.AWAITING)
        .order_by(Project.created_at, Project.id))
    return [Waiting(p.title, absolute_url("aid.project", project_id=p.id), p.created_at)
            for p in awaiting if projects.recusal_of(member, p) is None]


def waiting_for(member: User) -> Queues:
    """What waits for ``member``'s decision, in each of their queues."""
    return Queues(_label_requests(member), _applications(member), _proposals(member))


@retrying
def send_digest(user_id: int, week: str) -> bool:
    """Write ``user_id``'s digest of ``week`` when something waits for them; False when
    nothing waits, or their digest of that week was written already."""
    begin_write()
    member = db.session.get(User, user_id)
    queues = waiting_for(member) if member is not None else Queues()
    message = None
    if queues.count:
        message = enqueue(member, KIND, once=rules.once_key(KIND, week, user_id),
                          labels=queues.labels, applications=queues.applications,
                          proposals=queues.proposals, count=queues.count)
    db.session.commit()
    return message is not None


def send_digests(now: datetime | None = None) -> int:
    """This week's digest to every member something waits for; returns how many were
    written. One member's failure is logged and does not stop the others'."""
    week = week_of(now or utcnow())
    written = 0
    for user_id in members():
        try:
            written += send_digest(user_id, week)
        except Exception:  # noqa: BLE001 - the others' digests still go; logged
            log.exception("the committee digest of account %s failed", user_id)
    return written


tasks.periodic(bp, TASK, AT, send_digests)
