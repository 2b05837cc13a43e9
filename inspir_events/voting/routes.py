"""Voting pages (ideas, rounds, votes, results): thin views that parse, call a use case
(voting/ideas.py, rounds.py, votes.py, results.py) and render; a refusal is answered by the
one error boundary (``errors.on_refusal``)."""

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
from inspir_events.accounts.permissions import verified_required
from inspir_events.database import coerce_id
from inspir_events.discussions import services as discussions
from inspir_events.errors import on_refusal, render_error
from inspir_events.events import services as events
from inspir_events.opendata import csv_response
from inspir_events.timeutil import paris_to_utc
from inspir_events.voting import ideas as idea_cases
from inspir_events.voting import queries, realtime, rules
from inspir_events.voting import results as result_cases
from inspir_events.voting import rounds as round_cases
from inspir_events.voting import votes as vote_cases
from inspir_events.voting.access import VotingConflict
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


def _is_organiser(event) -> bool:
    return events.is_organiser(current_user, event)


# ---- ideas -----------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/ideas")
def ideas(event_id: int):
    event = events.get_for_viewer(event_id, current_user)
    found = idea_cases.event_ideas(event.id)
    return render_template("voting/ideas.html", event=event, ideas=found,
                           comment_counts=discussions.counts("idea", [i.id for i in found]))


def _idea_form(event, idea=None) -> IdeaForm:
    form = IdeaForm(obj=idea if request.method == "GET" and idea else None)
    form.need.choices = [NO_NEED] + queries.need_choices(event, idea.need if idea else None)
    if request.method == "GET" and idea is not None:
        form.need.data = idea.need_id
    return form


def _idea_input(form: IdeaForm) -> idea_cases.IdeaInput:
    return idea_cases.IdeaInput(title=form.title.data, summary=form.summary.data,
                                need_id=form.need.data)


def _idea_page(form, event, idea=None, error=None):
    status = error.status if error else (422 if form.errors else 200)
    return render_template("voting/idea_form.html", form=form, event=event, idea=idea,
                           error=error.message if error and not error.field else None), status


@bp.route("/events/<int:event_id>/ideas/new", methods=["GET", "POST"])
@verified_required
def new_idea(event_id: int):
    event = events.get_for_viewer(event_id, current_user)
    form = _idea_form(event)
    on_refusal(page=lambda error: _idea_page(form, event, error=error), form=form)
    idea_cases.check_participant(current_user, event)  # before the form: 403, not 422
    if not form.validate_on_submit():
        return _idea_page(form, event)
    idea = idea_cases.post_idea(current_user, event.id, _idea_input(form))
    flash(_("Your idea is posted."), "success")
    return redirect(url_for("voting.idea", idea_id=idea.id))


@bp.route("/ideas/<int:idea_id>")
def idea(idea_id: int):
    found = idea_cases.get_idea(idea_id)
    return render_template("voting/idea.html", idea=found, event=found.event,
                           can_edit=idea_cases.can_edit_idea(current_user, found),
                           rounds=queries.idea_rounds(found))


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
def edit_idea(idea_id: int):
    found = idea_cases.get_idea(idea_id)
    form = _idea_form(found.event, found)
    # Outsiders are refused before the form is read (403, not 422); the team, on a frozen
    # idea, is told so on a post by the use case (409).
    if not idea_cases.is_idea_team(current_user, found) or (
            request.method == "GET" and not idea_cases.can_edit_idea(current_user, found)):
        return render_error(403, _("Only the idea's team can edit it, until a voting round "
                                   "including it opens."))
    if not form.validate_on_submit():
        return _idea_page(form, found.event, found)
    on_refusal(page=lambda error: _idea_page(form, found.event, found, error=error), form=form)
    idea_cases.edit_idea(current_user, found.id, _idea_input(form))
    flash(_("The idea is saved."), "success")
    return redirect(url_for("voting.idea", idea_id=found.id))


# ---- rounds ----------------------------------------------------------------------------

def _rounds_page(event, form, error=None):
    status = error.status if error else (422 if form.errors else 200)
    return render_template(
        "voting/rounds.html", event=event, rounds=round_cases.event_rounds(event.id), form=form,
        is_organiser=_is_organiser(event), visibility_labels=VISIBILITY_LABELS,
        action_form=FlaskForm(), error=error.message if error and not error.field else None,
    ), status


@bp.route("/events/<int:event_id>/rounds", methods=["GET", "POST"])
def rounds(event_id: int):
    event = events.get_for_viewer(event_id, current_user)
    form = RoundForm()
    if request.method == "GET":
        return _rounds_page(event, form)
    if not current_user.is_authenticated or not _is_organiser(event):
        return render_error(403, _("Only the event's organisers run its voting rounds."))
    if not form.validate_on_submit():
        return _rounds_page(event, form)
    opens, closes = form.opens_at.data, form.closes_at.data
    data = round_cases.RoundInput(
        title=form.title.data, votes_per_participant=form.votes_per_participant.data,
        allow_own_team=form.allow_own_team.data, require_check_in=form.require_check_in.data,
        visibility=TallyVisibility(form.visibility.data),
        opens_at=paris_to_utc(opens) if opens else None,
        closes_at=paris_to_utc(closes) if closes else None)
    on_refusal(page=lambda error: _rounds_page(event, form, error), form=form)
    voting_round = round_cases.create_round(current_user, event.id, data)
    flash(_("The voting round is created."), "success")
    return redirect(url_for("voting.round_page", round_id=voting_round.id), 303)


def _round_action(round_id: int, action, success: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    back = url_for("voting.round_page", round_id=round_id)
    on_refusal(back=back)
    voting_round = action(current_user, round_id)
    realtime.announce_round(voting_round)
    flash(success, "success")
    return redirect(back, 303)


@bp.route("/rounds/<int:round_id>/open", methods=["POST"])
@login_required
def open_round(round_id: int):
    return _round_action(round_id, round_cases.open_round,
                         _("The round is open: its ideas are frozen."))


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@login_required
def close_round(round_id: int):
    return _round_action(round_id, round_cases.close_round,
                         _("The round is closed: no more votes are accepted."))


@bp.route("/rounds/<int:round_id>")
def round_page(round_id: int):
    voting_round = round_cases.get_round(round_id)
    visible = rules.tally_visible(voting_round.visibility, voting_round.status)
    voter = current_user.is_authenticated
    used = vote_cases.votes_used(current_user.id, round_id) if voter else 0
    return render_template(
        "voting/round.html", voting_round=voting_round, event=voting_round.event,
        ideas=queries.round_ideas(voting_round), visible=visible,
        tally=result_cases.tally(round_id) if visible else {},
        total=vote_cases.total_votes(round_id), my_votes=queries.my_votes(current_user, round_id),
        votes_left=max(0, voting_round.votes_per_participant - used),
        eligible=voter and vote_cases.eligible(current_user.id, voting_round),
        is_organiser=_is_organiser(voting_round.event), visibility_labels=VISIBILITY_LABELS,
        vote_form=VoteForm(), action_form=FlaskForm())


limits.answer_on(bp)


@bp.route("/rounds/<int:round_id>/vote", methods=["POST"])
@verified_required
@limits.limit("vote")
def vote(round_id: int):
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        idea_id = coerce_id(form.idea_id.data)
    except ValueError:
        abort(400)
    result = vote_cases.cast_vote(current_user.id, round_id, idea_id)
    flash(result.message, "success" if result.accepted else "error")
    return redirect(url_for("voting.round_page", round_id=round_id), 303)


# ---- results ---------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/results")
def results(round_id: int):
    voting_round = result_cases.shown_results(round_id)
    ranked = result_cases.results(voting_round)
    return _results_page(voting_round, ranked, WinnersForm(k=min(3, len(ranked)) or 1))


def _results_page(voting_round, ranked, form, status=200):
    return render_template(
        "voting/results.html", voting_round=voting_round, event=voting_round.event,
        bars=queries.chart(ranked), total=vote_cases.total_votes(voting_round.id),
        winners=result_cases.winners_of(voting_round.id), tie_break=rules.TIE_BREAK_RULE,
        is_organiser=_is_organiser(voting_round.event), form=form,
        closed=voting_round.status == RoundStatus.CLOSED), status


@bp.route("/rounds/<int:round_id>/results.csv")
@limits.costly_read
def results_csv(round_id: int):
    voting_round = result_cases.shown_results(round_id)
    header = ("rank", "tied", "idea_id", "idea", "team", "votes", "winner")
    winners = {w.idea_id for w in result_cases.winners_of(round_id)}
    rows = ((r.rank, "yes" if r.tied else "no", idea.id, idea.title,
             idea.team.name if idea.team else "", r.votes, "yes" if idea.id in winners else "")
            for r, idea in result_cases.results(voting_round))
    return csv_response(header, rows, f"inspir-round-{voting_round.id}-results.csv")


@bp.route("/rounds/<int:round_id>/winners", methods=["POST"])
@login_required
def confirm_winners(round_id: int):
    voting_round = round_cases.get_round(round_id)
    form = WinnersForm()
    back = url_for("voting.results", round_id=round_id)
    if form.validate_on_submit():
        # A number of winners out of range is told on its field, on the results page.
        on_refusal(page=lambda error: _winners_refused(voting_round, form), form=form)
        try:
            result_cases.confirm_winners(current_user, round_id, form.k.data)
        except VotingConflict as conflict:  # not closed yet: back to the results, told why
            flash(conflict.message, "error")
            return redirect(back, 303)
        flash(_("The winners are confirmed."), "success")
        return redirect(back, 303)
    if not _is_organiser(voting_round.event):
        return render_error(403, _("Only the event's organisers run its voting rounds."))
    return _winners_refused(voting_round, form)


def _winners_refused(voting_round, form):
    """The results page again, with the winners form's errors (422)."""
    shown = result_cases.shown_results(voting_round.id)
    return _results_page(shown, result_cases.results(shown), form, 422)
