"""Team pages: thin views that parse, call a use case and render; a refusal is answered
by the error boundary (inspir_events/errors.py), as each view says with ``on_refusal``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from inspir_events.accounts.permissions import verified_required
from inspir_events.errors import on_refusal
from inspir_events.events import services as events
from inspir_events.opendata import csv_response
from inspir_events.reference import choices
from inspir_events.teams import access, queries, services
from inspir_events.teams.blueprint import bp
from inspir_events.teams.forms import (
    POLICY_DESCRIPTIONS,
    JoinForm,
    SeekingForm,
    SettingsForm,
    TeamForm,
)
from inspir_events.teams.rules import JoinPolicy
from inspir_events.timeutil import paris_to_utc, utc_to_paris


def _skill_names() -> dict[str, str]:
    return {choice.value: choice.label for choice in choices.skills()}


@bp.route("/events/<int:event_id>/teams")
def index(event_id: int):
    event = events.get_for_viewer(event_id, current_user)
    teams = queries.event_teams(event.id)
    my_team = queries.team_of(current_user, event.id)
    confirmed = access.is_confirmed(current_user, event.id)
    seeker = queries.seeking(current_user, event.id)
    suggestions = []
    if confirmed and my_team is None:
        suggestions = queries.suggestions_for_person(current_user, event.id, teams)
    seeking_form = SeekingForm(formdata=None)
    seeking_form.skills.choices = choices.skills()
    seeking_form.seeking.data = seeker is not None
    seeking_form.skills.data = (seeker.skills if seeker
                                else [s.code for s in getattr(current_user, "skills", [])])
    return render_template(
        "teams/index.html", event=event, teams=teams, coverages=queries.coverages(teams),
        my_team=my_team, confirmed=confirmed, seeker=seeker, seeking_form=seeking_form,
        suggestions=suggestions, teams_by_id={t.id: t for t in teams},
        is_organiser=events.is_organiser(current_user, event), policy_labels=POLICY_DESCRIPTIONS,
        frozen=access.frozen(event), skill_names=_skill_names(), form=FlaskForm())


def _team_form(event, team=None) -> TeamForm:
    form = TeamForm(obj=team if request.method == "GET" and team else None)
    form.wanted_roles.choices = choices.skills()
    form.needs.choices = [SelectChoice(n.id, f"#{n.id} {n.title}")
                          for n in (events.public_needs(event) or events.linkable_needs(event))]
    if request.method == "GET":
        if team:
            form.wanted_roles.data = [r.code for r in team.wanted_roles]
            form.needs.data = [n.id for n in team.needs]
            form.join_policy.data = team.join_policy.value
        else:
            form.join_policy.data = JoinPolicy.OPEN.value
            form.max_size.data = event.team_size_default
    return form


def _input(form: TeamForm) -> services.TeamInput:
    return services.TeamInput(
        name=form.name.data, pitch=form.pitch.data or "",
        wanted_roles=list(form.wanted_roles.data or []), need_ids=list(form.needs.data or []),
        max_size=form.max_size.data, join_policy=JoinPolicy(form.join_policy.data))


def _form_page(form, event, team=None, error=None, refused=False):
    """The team's form again; a refusal not about one of its fields is its general error
    (``refused``: the person may not create a team here at all, the form is not shown)."""
    general = error.message if error and not (error.field and error.field in form) else None
    status = 422 if form.errors else 200
    return render_template("teams/form.html", form=form, event=event, team=team,
                           error=general, refused=refused), status


@bp.route("/events/<int:event_id>/teams/new", methods=["GET", "POST"])
@verified_required
def create(event_id: int):
    event = events.get_for_viewer(event_id, current_user)
    form = _team_form(event)
    # On a post too: a refusal is answered before the form's errors (403, not 422).
    on_refusal(page=lambda error: _form_page(form, event, error=error, refused=True))
    services.check_can_create(current_user, event.id)
    if not form.validate_on_submit():
        return _form_page(form, event)
    on_refusal(page=lambda error: _form_page(form, event, error=error), form=form)
    team = services.create(current_user, event.id, _input(form))
    flash(_("Your team is created. You lead it."), "success")
    return redirect(url_for("teams.detail", team_id=team.id))


@bp.route("/teams/<int:team_id>")
def detail(team_id: int):
    team = queries.get(team_id)
    is_lead = current_user.is_authenticated and team.lead_id == current_user.id
    is_member = current_user.is_authenticated and any(
        m.user_id == current_user.id for m in team.member_rows)
    return render_template(
        "teams/detail.html", team=team, event=team.event, is_lead=is_lead, is_member=is_member,
        coverage=queries.coverages([team])[team.id],
        requests=queries.pending_requests(team) if is_lead else [],
        people=queries.suggestions_for_team(team) if is_lead else [],
        confirmed=access.is_confirmed(current_user, team.event_id),
        frozen=access.frozen(team.event), skill_names=_skill_names(),
        policy_labels=POLICY_DESCRIPTIONS, form=FlaskForm(), join_form=JoinForm())


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@login_required
def edit(team_id: int):
    team = queries.get(team_id)
    if team.lead_id != current_user.id:
        abort(403)
    form = _team_form(team.event, team)
    if not form.validate_on_submit():
        return _form_page(form, team.event, team)
    on_refusal(page=lambda error: _form_page(form, team.event, team, error), form=form)
    services.update(current_user, team.id, _input(form))
    flash(_("The team is saved."), "success")
    return redirect(url_for("teams.detail", team_id=team.id))


def _post_action(team_id: int, action, success: str, form_class=FlaskForm):
    form = form_class()
    if not form.validate_on_submit():
        abort(400)
    team = queries.get(team_id)
    event_id = team.event_id
    on_refusal(back=url_for("teams.detail", team_id=team_id))
    result = action(form)
    flash(success if isinstance(success, str) else success(result), "success")
    if result is True:  # the team was dissolved
        return redirect(url_for("teams.index", event_id=event_id))
    return redirect(url_for("teams.detail", team_id=team_id))


@bp.route("/teams/<int:team_id>/join", methods=["POST"])
@verified_required
def join(team_id: int):
    return _post_action(
        team_id, lambda form: services.join(current_user, team_id, form.message.data or ""),
        lambda outcome: _("You joined the team.") if outcome == "joined"
        else _("Your request is sent to the team's lead."), JoinForm)


@bp.route("/teams/<int:team_id>/leave", methods=["POST"])
@login_required
def leave(team_id: int):
    return _post_action(team_id, lambda form: services.leave(current_user, team_id),
                        lambda dissolved: _("You left the team; it had no one left and is "
                                            "dissolved.") if dissolved
                        else _("You left the team."))


@bp.route("/teams/<int:team_id>/requests/<int:request_id>/<any(accept, decline):decision>",
          methods=["POST"])
@login_required
def decide(team_id: int, request_id: int, decision: str):
    return _post_action(
        team_id,
        lambda form: services.decide_request(current_user, request_id, decision == "accept",
                                             team_id=team_id),
        _("Request accepted.") if decision == "accept" else _("Request declined."))


@bp.route("/teams/<int:team_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove(team_id: int, user_id: int):
    return _post_action(team_id,
                        lambda form: services.remove_member(current_user, team_id, user_id),
                        _("The member is removed from the team."))


@bp.route("/teams/<int:team_id>/members/<int:user_id>/lead", methods=["POST"])
@login_required
def hand_over(team_id: int, user_id: int):
    return _post_action(team_id, lambda form: services.hand_over(current_user, team_id, user_id),
                        _("The lead is handed over."))


@bp.route("/events/<int:event_id>/seeking", methods=["POST"])
@login_required
def seeking(event_id: int):
    form = SeekingForm()
    form.skills.choices = choices.skills()
    if not form.validate_on_submit():
        abort(400)
    on_refusal(back=url_for("teams.index", event_id=event_id))
    services.set_seeking(current_user, event_id, form.seeking.data, form.skills.data or [])
    flash(_("You are listed as looking for a team.") if form.seeking.data
          else _("You are no longer listed as looking for a team."), "success")
    return redirect(url_for("teams.index", event_id=event_id))


@bp.route("/events/<int:event_id>/teams/settings", methods=["GET", "POST"])
@login_required
def settings(event_id: int):
    event = events.get_for_viewer(event_id, current_user)
    if not events.is_organiser(current_user, event):
        abort(403)
    form = SettingsForm(obj=event if request.method == "GET" else None)
    if request.method == "GET" and event.teams_frozen_at:
        form.teams_frozen_at.data = utc_to_paris(event.teams_frozen_at)

    def page(error=None):
        status = 422 if (error or form.errors) else 200
        return render_template("teams/settings.html", form=form, event=event,
                               error=error.message if error else None), status

    if not form.validate_on_submit():
        return page()
    on_refusal(page=page)
    frozen = form.teams_frozen_at.data
    services.update_settings(current_user, event.id, form.team_size_default.data,
                             paris_to_utc(frozen) if frozen else None,
                             form.solo_ideas_allowed.data)
    flash(_("Team settings saved."), "success")
    return redirect(url_for("teams.index", event_id=event.id))


@bp.route("/events/<int:event_id>/teams.csv")
@login_required
def export_csv(event_id: int):
    event = events.get_for_viewer(event_id, current_user)
    if not events.is_organiser(current_user, event):
        abort(403)
    teams = queries.event_teams(event.id)
    cover = queries.coverages(teams)
    header = ("team", "lead", "members", "size", "max_size", "join_policy", "wanted_roles",
              "missing_roles", "needs")
    rows = ((t.name, t.lead.display_name if t.lead else "",
             "; ".join(m.user.display_name for m in t.member_rows), t.member_count, t.max_size,
             t.join_policy.value, "; ".join(r.code for r in t.wanted_roles),
             "; ".join(sorted(cover[t.id].missing)), "; ".join(f"#{n.id}" for n in t.needs))
            for t in teams)
    return csv_response(header, rows, f"inspir-event-{event.id}-teams.csv")
