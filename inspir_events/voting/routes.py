"""Voting pages (ideas, rounds, results): thin views that parse, call a service and render."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from inspir_events import limits
from inspir_events.errors import render_error
from inspir_events.events import services as events
from inspir_events.extensions import db
from inspir_events.opendata import csv_response
from inspir_events.timeutil import paris_to_utc
from inspir_events.voting import events as live
from inspir_events.voting import queries, rules, services
from inspir_events.voting.blueprint import bp
from inspir_events.voting.forms import (
    VISIBILITY_LABELS,
    IdeaForm,
    RoundForm,
    VoteForm,
    WinnersForm,
)
from inspir_events.voting.rules import RoundStatus, TallyVisibility

NO_NEED = ("", "—")


def _event_or_404(event_id: int):
    try:
        return events.get_for_viewer(event_id, current_user)
    except events.EventNotFound:
        abort(404)


def _idea_or_404(idea_id: int):
    try:
        return services.get_idea(idea_id)
    except services.VotingNotFound:
        abort(404)


def _round_or_404(round_id: int):
    try:
        return services.get_round(round_id)
    except services.VotingNotFound:
        abort(404)


def _is_organiser(event) -> bool:
    return events.is_organiser(current_user, event)


def _refused(exc: services.VotingError, form=None):
    """A refused action: 404 as such, 403 with its reason; else the error for the form."""
    db.session.rollback()
    if exc.status == 404:
        abort(404)
    if exc.status == 403:
        return render_error(403, exc.message)
    if form is not None and exc.field and exc.field in form:
        form[exc.field].errors.append(exc.message)
    return None


def _announce(voting_round) -> None:
    """Tell the event's room the round moved (once the socket side offers it)."""
    announce = getattr(live, "announce_round", None)
    if announce is not None:
        announce(voting_round)


# ---- ideas -----------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/ideas")
def ideas(event_id: int):
    event = _event_or_404(event_id)
    return render_template("voting/ideas.html", event=event,
                           ideas=services.event_ideas(event.id))


def _idea_form(event, idea=None) -> IdeaForm:
    form = IdeaForm(obj=idea if request.method == "GET" and idea else None)
    form.need.choices = [NO_NEED] + queries.need_choices(event, idea.need if idea else None)
    if request.method == "GET" and idea is not None:
        form.need.data = idea.need_id
    return form


def _idea_input(form: IdeaForm) -> services.IdeaInput:
    return services.IdeaInput(title=form.title.data, summary=form.summary.data,
                              need_id=form.need.data)


def _idea_page(form, event, idea=None, error=None):
    status = error.status if error else (422 if form.errors else 200)
    return render_template("voting/idea_form.html", form=form, event=event, idea=idea,
                           error=error.message if error and not error.field else None), status


@bp.route("/events/<int:event_id>/ideas/new", methods=["GET", "POST"])
@login_required
def new_idea(event_id: int):
    event = _event_or_404(event_id)
    form = _idea_form(event)
    try:
        services.check_participant(current_user, event)  # before the form: 403, not 422
    except services.VotingError as exc:
        return _refused(exc, form) or _idea_page(form, event, error=exc)
    if not form.validate_on_submit():
        return _idea_page(form, event)
    try:
        idea = services.post_idea(current_user, event.id, _idea_input(form))
    except services.VotingError as exc:
        return _refused(exc, form) or _idea_page(form, event, error=exc)
    flash(_("Your idea is posted."), "success")
    return redirect(url_for("voting.idea", idea_id=idea.id))


@bp.route("/ideas/<int:idea_id>")
def idea(idea_id: int):
    found = _idea_or_404(idea_id)
    return render_template("voting/idea.html", idea=found, event=found.event,
                           can_edit=services.can_edit_idea(current_user, found),
                           rounds=queries.idea_rounds(found))


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
def edit_idea(idea_id: int):
    found = _idea_or_404(idea_id)
    form = _idea_form(found.event, found)
    # Outsiders are refused before the form is read (403, not 422); the team, on a frozen
    # idea, is told so on a post by the use case (409).
    if not services.is_idea_team(current_user, found) or (
            request.method == "GET" and not services.can_edit_idea(current_user, found)):
        return render_error(403, _("Only the idea's team can edit it, until a voting round "
                                   "including it opens."))
    if not form.validate_on_submit():
        return _idea_page(form, found.event, found)
    try:
        services.edit_idea(current_user, found.id, _idea_input(form))
    except services.VotingError as exc:
        return _refused(exc, form) or _idea_page(form, found.event, found, error=exc)
    flash(_("The idea is saved."), "success")
    return redirect(url_for("voting.idea", idea_id=found.id))


# ---- rounds ----------------------------------------------------------------------------

def _rounds_page(event, form, error=None):
    status = error.status if error else (422 if form.errors else 200)
    return render_template(
        "voting/rounds.html", event=event, rounds=services.event_rounds(event.id), form=form,
        is_organiser=_is_organiser(event), visibility_labels=VISIBILITY_LABELS,
        action_form=FlaskForm(), error=error.message if error and not error.field else None,
    ), status


@bp.route("/events/<int:event_id>/rounds", methods=["GET", "POST"])
def rounds(event_id: int):
    event = _event_or_404(event_id)
    form = RoundForm()
    if request.method == "GET":
        return _rounds_page(event, form)
    if not current_user.is_authenticated or not _is_organiser(event):
        return render_error(403, _("Only the event's organisers run its voting rounds."))
    if not form.validate_on_submit():
        return _rounds_page(event, form)
    opens, closes = form.opens_at.data, form.closes_at.data
    data = services.RoundInput(
        title=form.title.data, votes_per_participant=form.votes_per_participant.data,
        allow_own_team=form.allow_own_team.data, require_check_in=form.require_check_in.data,
        visibility=TallyVisibility(form.visibility.data),
        opens_at=paris_to_utc(opens) if opens else None,
        closes_at=paris_to_utc(closes) if closes else None)
    try:
        voting_round = services.create_round(current_user, event.id, data)
    except services.VotingError as exc:
        return _refused(exc, form) or _rounds_page(event, form, exc)
    flash(_("The voting round is created."), "success")
    return redirect(url_for("voting.round_page", round_id=voting_round.id), 303)


def _round_action(round_id: int, action, success: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        voting_round = action(current_user, round_id)
    except services.VotingError as exc:
        refused = _refused(exc)
        if refused:
            return refused
        flash(exc.message, "error")
    else:
        _announce(voting_round)
        flash(success, "success")
    return redirect(url_for("voting.round_page", round_id=round_id), 303)


@bp.route("/rounds/<int:round_id>/open", methods=["POST"])
@login_required
def open_round(round_id: int):
    return _round_action(round_id, services.open_round,
                         _("The round is open: its ideas are frozen."))


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@login_required
def close_round(round_id: int):
    return _round_action(round_id, services.close_round,
                         _("The round is closed: no more votes are accepted."))


@bp.route("/rounds/<int:round_id>")
def round_page(round_id: int):
    voting_round = _round_or_404(round_id)
    visible = rules.tally_visible(voting_round.visibility, voting_round.status)
    voter = current_user.is_authenticated
    used = services.votes_used(current_user.id, round_id) if voter else 0
    return render_template(
        "voting/round.html", voting_round=voting_round, event=voting_round.event,
        ideas=queries.round_ideas(voting_round), visible=visible,
        tally=services.tally(round_id) if visible else {},
        total=services.total_votes(round_id), my_votes=queries.my_votes(current_user, round_id),
        votes_left=max(0, voting_round.votes_per_participant - used),
        eligible=voter and services.eligible(current_user.id, voting_round),
        is_organiser=_is_organiser(voting_round.event), visibility_labels=VISIBILITY_LABELS,
        vote_form=VoteForm(), action_form=FlaskForm())


limits.answer_on(bp)


@bp.route("/rounds/<int:round_id>/vote", methods=["POST"])
@login_required
@limits.limit("vote")
def vote(round_id: int):
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        idea_id = int(form.idea_id.data)
    except ValueError:
        abort(400)
    try:
        result = services.cast_vote(current_user.id, round_id, idea_id)
    except services.VotingError as exc:
        db.session.rollback()
        abort(exc.status)
    flash(result.message, "success" if result.accepted else "error")
    return redirect(url_for("voting.round_page", round_id=round_id), 303)


# ---- results ---------------------------------------------------------------------------

def _visible_round_or_403(round_id: int):
    voting_round = _round_or_404(round_id)
    if not rules.tally_visible(voting_round.visibility, voting_round.status):
        return voting_round, render_error(403, _("The results are shown once the round is "
                                                 "closed."))
    return voting_round, None


@bp.route("/rounds/<int:round_id>/results")
def results(round_id: int):
    voting_round, refused = _visible_round_or_403(round_id)
    if refused:
        return refused
    ranked = services.results(voting_round)
    return _results_page(voting_round, ranked, WinnersForm(k=min(3, len(ranked)) or 1))


def _results_page(voting_round, ranked, form, status=200):
    return render_template(
        "voting/results.html", voting_round=voting_round, event=voting_round.event,
        bars=queries.chart(ranked), total=services.total_votes(voting_round.id),
        winners=services.winners_of(voting_round.id), tie_break=rules.TIE_BREAK_RULE,
        is_organiser=_is_organiser(voting_round.event), form=form,
        closed=voting_round.status == RoundStatus.CLOSED), status


@bp.route("/rounds/<int:round_id>/results.csv")
def results_csv(round_id: int):
    voting_round, refused = _visible_round_or_403(round_id)
    if refused:
        return refused
    header = ("rank", "tied", "idea_id", "idea", "team", "votes", "winner")
    winners = {w.idea_id for w in services.winners_of(round_id)}
    rows = ((r.rank, "yes" if r.tied else "no", idea.id, idea.title,
             idea.team.name if idea.team else "", r.votes, "yes" if idea.id in winners else "")
            for r, idea in services.results(voting_round))
    return csv_response(header, rows, f"inspir-round-{voting_round.id}-results.csv")


@bp.route("/rounds/<int:round_id>/winners", methods=["POST"])
@login_required
def confirm_winners(round_id: int):
    voting_round = _round_or_404(round_id)
    form = WinnersForm()
    if form.validate_on_submit():
        try:
            services.confirm_winners(current_user, round_id, form.k.data)
        except services.VotingError as exc:
            refused = _refused(exc, form)
            if refused:
                return refused
            if not exc.field:
                flash(exc.message, "error")
                return redirect(url_for("voting.results", round_id=round_id), 303)
        else:
            flash(_("The winners are confirmed."), "success")
            return redirect(url_for("voting.results", round_id=round_id), 303)
    elif not _is_organiser(voting_round.event):
        return render_error(403, _("Only the event's organisers run its voting rounds."))
    if not rules.tally_visible(voting_round.visibility, voting_round.status):
        return render_error(403, _("The results are shown once the round is closed."))
    return _results_page(voting_round, services.results(voting_round), form, 422)
