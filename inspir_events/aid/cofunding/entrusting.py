"""Entrusting an application to a delegated envelope, and taking it back.

The deliberation lets « territoires ou lieux numériques dotés d'une ingénierie
suffisante » receive an envelope and grant aid locally « dans les mêmes conditions que
le Conseil régional ». The Region's committee (not a delegated envelope's decider)
entrusts a submitted application to a delegated envelope of the same budget year and
former region: that envelope's deciders then see it in their queue and grant (from that
envelope only), refuse or ask for changes on it, and on nothing else
(:mod:`.decisions`). The committee keeps deciding on every application and can take one
back. Each change is audited (``application.entrust`` / ``application.take_back``) and
the envelope's deciders are notified in-app."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.aid.cofunding.decisions import (
    RECUSAL_SUBJECT,
    former_region,
    refuse_if_recused,
    review_path,
)
from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
from inspir_events.aid.cofunding.services import (
    ApplicationConflict,
    ApplicationError,
    ApplicationForbidden,
    ApplicationNotFound,
)
from inspir_events.aid.envelopes import services as envelopes
from inspir_events.aid.envelopes.models import Envelope, EnvelopeMember
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.extensions import db
from inspir_events.notifications import services as notifications
from inspir_events.urls import path_for


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def entrust_choices(application: CofundingApplication) -> list[Envelope]:
    """The delegated envelopes of the application's budget year and former region (those
    it may be entrusted to), by holder."""
    region = former_region(application.event)
    if region is None:
        return []
    return list(db.session.scalars(
        select(Envelope).where(Envelope.parent_id.is_not(None),
                               Envelope.year == application.year,
                               Envelope.former_region == region)
        .order_by(Envelope.holder_name, Envelope.section, Envelope.id)))


def may_entrust(user) -> bool:
    """Only the Region's committee entrusts applications (a delegated decider does not)."""
    return envelopes.is_committee(user)


def _deciders(envelope_id: int) -> list[int]:
    return list(db.session.scalars(select(EnvelopeMember.user_id).where(
        EnvelopeMember.envelope_id == envelope_id).order_by(EnvelopeMember.user_id)))


def _submitted(member: User, application_id: int, action: str) -> CofundingApplication:
    """The application, locked, for a committee member not recused from it; it must still
    await a decision."""
    if not may_entrust(member):
        raise ApplicationForbidden(_l("Only the Region's committee entrusts applications to "
                                      "a delegated envelope."), code="forbidden")
    if not _valid_id(application_id):
        raise ApplicationNotFound()
    refuse_if_recused(member, application_id, action)
    begin_write()
    application = db.session.scalar(select(CofundingApplication).where(
        CofundingApplication.id == application_id).with_for_update())
    if application is None:
        raise ApplicationNotFound()
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationConflict(_l("This application is not awaiting a decision (someone "
                                     "may have just decided it)."), code="already_decided")
    return application


@use_case
def entrust(member: User, application_id: int, envelope_id: int) -> CofundingApplication:
    """The Region's committee entrusts a submitted application to a delegated envelope
    of the same budget year and former region; its deciders are notified.

    Refused: not a committee member (403), recused from it (403, audited), not
    awaiting a decision (409), an envelope that is not a delegated one of the
    application's year and former region (422, ``field="envelope"``). Entrusting it
    to the envelope it already is with changes nothing.
    """
    application = _submitted(member, application_id, "application.entrust")
    envelope = db.session.get(Envelope, envelope_id) if _valid_id(envelope_id) else None
    if envelope is None or envelope.id not in {e.id for e in entrust_choices(application)}:
        raise ApplicationError(_l("Choose a delegated envelope of the application's budget "
                                  "year and former region."), field="envelope",
                               code="envelope")
    if application.envelope_id == envelope.id:
        db.session.commit()
        return application
    before = application.envelope_id
    application.envelope_id = envelope.id
    audit.record(member, "application.entrust", RECUSAL_SUBJECT, application.id,
                 before=before, after=envelope.id, holder_name=envelope.holder_name)
    notifications.notify(_deciders(envelope.id), "application.entrusted",
                         url=review_path(application.id), event=application.event.title,
                         holder=envelope.holder_name)
    db.session.commit()
    return application


@use_case
def take_back(member: User, application_id: int) -> CofundingApplication:
    """The Region's committee takes an entrusted application back: the delegated
    envelope's deciders no longer see it (they are told); the committee decides."""
    application = _submitted(member, application_id, "application.take_back")
    envelope = application.envelope
    if envelope is None:
        raise ApplicationConflict(_l("This application is not entrusted to a delegated "
                                     "envelope."), code="not_entrusted")
    application.envelope_id = None
    audit.record(member, "application.take_back", RECUSAL_SUBJECT, application.id,
                 before=envelope.id, holder_name=envelope.holder_name)
    notifications.notify(_deciders(envelope.id), "application.taken_back",
                         url=path_for("aid.applications_queue"),
                         event=application.event.title, holder=envelope.holder_name)
    db.session.commit()
    return application
