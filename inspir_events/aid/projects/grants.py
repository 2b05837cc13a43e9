"""Grants to projects and to their support structures, drawn from the envelopes.

« la Région pourra soutenir en direct les projets les plus prometteurs à hauteur
de 5.000 euros de fonctionnement et 5.000 euros d'investissement maximum par
projet » and « Elle financera, à hauteur de 5.000 euros maximum par projet, des
structures chargées d'aider la maturation d'idées en projets » (deliberation
INS'pir 2016): :func:`grant_project` runs :func:`inspir_events.aid.rules.check_grants`
then :func:`inspir_events.aid.envelopes.services.add_grant`, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from inspir_events.accounts.models import User
from inspir_events.aid import identifiers, rules
from inspir_events.aid.envelopes import services as envelopes
from inspir_events.aid.envelopes.services import Beneficiary
from inspir_events.aid.models import AidGrant
from inspir_events.aid.projects.queries import (
    GRANT_KINDS,
    GRANTABLE_STAGES,
    former_region,
    may_decide,
    member_ids,
    received,
)
from inspir_events.aid.projects.services import (
    NAME_MAX,
    GrantRefused,
    ProjectConflict,
    ProjectError,
    ProjectForbidden,
    locked_project,
    project_url,
    refuse_if_recused,
)
from inspir_events.aid.years import services as years
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, retrying, use_case
from inspir_events.extensions import db
from inspir_events.notifications import services as notifications


def beneficiary(name: str, identifier: str, field: str) -> Beneficiary:
    """A beneficiary named and identified by a valid SIRET (14 digits, Luhn) or RNA number."""
    name = " ".join((name or "").split())
    number = identifiers.normalise_identifier(identifier)
    if not name or len(name) > NAME_MAX:
        raise ProjectError(_l("Name the beneficiary (at most %(max)d characters).",
                              max=NAME_MAX), field=f"{field}_name")
    if identifiers.valid_siret(number):
        return Beneficiary(name, siret=number)
    if identifiers.valid_rna(number):
        return Beneficiary(name, rna=number)
    raise ProjectError(_l("Enter a valid SIRET (14 digits) or RNA number (W and 9 digits)."),
                       field=f"{field}_id")


@dataclass
class GrantInput:
    operating_cents: int = 0
    investment_cents: int = 0
    structure_cents: int = 0
    beneficiary: Beneficiary | None = None  # the project's holder
    structure_beneficiary: Beneficiary | None = None  # the support structure
    envelope_ids: dict[str, int | None] | None = None  # per kind; None: the first decidable
    year: int | None = None
    reason: str = ""


def _envelope_id(member: User, year: int, region, kind: str, chosen) -> int:
    allowed = envelopes.decidable_envelopes(member, year, region, GRANT_KINDS[kind][1])
    if not allowed:
        raise ProjectForbidden(_l("You decide on no envelope this project can draw on."))
    if chosen is None:
        return allowed[0].id
    if chosen not in {envelope.id for envelope in allowed}:
        raise ProjectError(_l("Choose an envelope you decide on, of the project's former "
                              "region and of this section."), field=f"{kind}_envelope")
    return chosen


@retrying
@use_case
def grant_project(member: User, project_id: int, data: GrantInput) -> list[AidGrant]:
    """Grants to a project (operating, investment) and to its support structure.

    « 5.000 euros de fonctionnement et 5.000 euros d'investissement maximum par
    projet » and « à hauteur de 5.000 euros maximum par projet, des structures »:
    :func:`rules.check_grants` counts what the project already received and every
    violation is reported. Only projects at ``projet`` or ``experimentation`` are
    funded. Each amount is committed on an envelope of the project's former region
    the member decides on (the committee, or a delegated envelope's own members), of
    the budget year the decision is taken in (another year only when asked), under that
    year's rules (the version is recorded on each grant); if one lacks money, nothing at
    all is written.
    """
    if not (member and getattr(member, "is_authenticated", False)):
        raise ProjectForbidden(_l("Only committee members decide on aid."))
    if may_decide(member, project_id):  # « déport »: a decider party to it is refused
        refuse_if_recused(member, project_id, "project.grant")
    # The year it is decided in, never another year's envelopes unless asked for.
    year = data.year or years.today().year
    amounts = {"operating": data.operating_cents, "investment": data.investment_cents,
               "structure": data.structure_cents}
    begin_write()
    try:
        policy_row = years.decision_policy(year)
    except years.YearNotOpen:
        raise ProjectError(_l("There are no aid rules for the budget year %(year)s: an "
                              "administrator opens it first.", year=year),
                           field="year") from None
    policy = years.policy_of(policy_row)
    project = locked_project(project_id)
    if project.stage not in GRANTABLE_STAGES:
        raise ProjectConflict(_l("Only projects in maturation or in experimentation receive "
                                 "grants."))
    verdict = rules.check_grants(*amounts.values(), received(project.id), policy)
    if not verdict.eligible:
        raise GrantRefused(verdict.violations)
    if not any(amounts.values()):
        raise ProjectError(_l("Enter at least one amount."), field="operating")
    if amounts["structure"] and project.support_structure_id is None:
        raise ProjectError(_l("A support structure grant needs the project's support "
                              "structure: choose it first."), field="structure")
    region = former_region(project)
    if region is None:
        raise ProjectError(_l("The project needs a department to draw on an envelope."))
    chosen = data.envelope_ids or {}
    reference = envelopes.decision_reference(year, "PRJ", project.id)
    grants = []
    for kind, amount in amounts.items():
        if not amount:
            continue
        who = data.structure_beneficiary if kind == "structure" else data.beneficiary
        if who is None:
            raise ProjectError(_l("Name the beneficiary and give its SIRET or RNA number."),
                               field="structure_beneficiary_id" if kind == "structure"
                               else "beneficiary_id")
        grant_kind, section = GRANT_KINDS[kind]
        grants.append(envelopes.add_grant(
            member, kind=grant_kind, year=year, reference=reference,
            envelope_id=_envelope_id(member, year, region, kind, chosen.get(kind)),
            section=section, amount_cents=amount, beneficiary=who,
            purpose=project.title, project_id=project.id, reason=data.reason,
            policy_id=policy_row.id))
    audit.record(member, "project.grant", "project", project.id, reference=reference,
                 **{f"{kind}_cents": amount for kind, amount in amounts.items()})
    notifications.notify(member_ids(project), "project.granted", url=project_url(project),
                         project=project.title)
    db.session.commit()
    return grants
