"""The jury's pages, for any juried subject (a call for projects...): the jury's page
(its members, its quorum, the ranking: the committee manages it, its members and the
committee read it) and the scoring page of one application.

Thin views: parse, call a use case of :mod:`.services`, render; a refusal is shown next to
its field with what was typed kept (:func:`inspir_events.errors.on_refusal`).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from inspir_events.aid.blueprint import bp
from inspir_events.aid.forms import refusal_message
from inspir_events.aid.jury import rules, services
from inspir_events.aid.jury.forms import (
    CRITERION_LABELS,
    DISCIPLINE_LABELS,
    MemberForm,
    QuorumForm,
    score_form,
)
from inspir_events.errors import on_refusal
from inspir_events.recusal import services as recusal

PREFIX = "/aid/jury/<subject_type>/<int:subject_id>"


def _labels() -> dict:
    return {"discipline_labels": DISCIPLINE_LABELS, "criterion_labels": CRITERION_LABELS,
            "shown": services.shown}


def _jury_page(subject_type: str, subject_id: int, status: int = 200, error=None,
               member_form=None, quorum_form=None):
    subject = services.subject(subject_type, subject_id)
    rows = services.ranking(current_user, subject_type, subject_id)  # 403 for outsiders
    jury = services.jury_of(subject_type, subject_id)
    manage = services.may_manage(current_user) and subject.scoring_open(subject_id)
    if member_form is None:
        member_form = MemberForm(prefix="member")
    member_form.user.choices = [SelectChoice(0, _("Choose…"))] + [
        SelectChoice(u.id, u.display_name) for u in services.people()]
    if quorum_form is None:
        quorum_form = QuorumForm(prefix="quorum", data={
            "quorum": jury.quorum if jury else rules.DEFAULT_QUORUM,
            "min_disciplines": jury.min_disciplines if jury else rules.DEFAULT_MIN_DISCIPLINES})
    me = services.membership(current_user, jury)
    return render_template(
        "aid/jury/jury.html", subject=subject, subject_type=subject_type,
        subject_id=subject_id, title=subject.title(subject_id), jury=jury, rows=rows,
        manage=manage, me=me, member_form=member_form, quorum_form=quorum_form,
        remove_form=FlaskForm(), error=error,
        scoring_open=subject.scoring_open(subject_id), **_labels()), status


@bp.get(PREFIX)
@login_required
def jury(subject_type: str, subject_id: int):
    """The jury and its ranking: its members and the committee (403 for others)."""
    return _jury_page(subject_type, subject_id)


@bp.post(PREFIX + "/members")
@login_required
def jury_name_member(subject_type: str, subject_id: int):
    if not services.may_manage(current_user):
        abort(403)
    form = MemberForm(prefix="member")
    if not form.validate_on_submit():
        return _jury_page(subject_type, subject_id, 422, member_form=form)
    on_refusal(form=form, page=lambda error: _jury_page(
        subject_type, subject_id, error=refusal_message(form, error), member_form=form)[0])
    services.name_member(current_user, subject_type, subject_id, form.user.data,
                         form.discipline.data)
    flash(_("The jury member is named."), "success")
    return redirect(url_for("aid.jury", subject_type=subject_type, subject_id=subject_id), 303)


@bp.post(PREFIX + "/members/<int:user_id>/remove")
@login_required
def jury_remove_member(subject_type: str, subject_id: int, user_id: int):
    if not services.may_manage(current_user):
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("aid.jury", subject_type=subject_type, subject_id=subject_id))
    services.remove_member(current_user, subject_type, subject_id, user_id)
    flash(_("The member has left the jury."), "success")
    return redirect(url_for("aid.jury", subject_type=subject_type, subject_id=subject_id), 303)


@bp.post(PREFIX + "/quorum")
@login_required
def jury_quorum(subject_type: str, subject_id: int):
    if not services.may_manage(current_user):
        abort(403)
    form = QuorumForm(prefix="quorum")
    if not form.validate_on_submit():
        return _jury_page(subject_type, subject_id, 422, quorum_form=form)
    on_refusal(form=form, page=lambda error: _jury_page(
        subject_type, subject_id, error=refusal_message(form, error), quorum_form=form)[0])
    services.set_quorum(current_user, subject_type, subject_id, form.quorum.data,
                        form.min_disciplines.data)
    flash(_("The quorum is set."), "success")
    return redirect(url_for("aid.jury", subject_type=subject_type, subject_id=subject_id), 303)


def _score_page(subject_type: str, subject_id: int, application_id: int, form=None,
                error=None, status: int = 200):
    subject = services.subject(subject_type, subject_id)
    if not services.may_see_scores(current_user, subject_type, subject_id):
        abort(403)
    application = services.application_of(subject_type, subject_id, application_id)
    jury = services.jury_of(subject_type, subject_id)
    me = services.membership(current_user, jury)
    criteria = list(jury.criteria) if jury else list(rules.CRITERION_CODES)
    if form is None:
        own = services.own_scores(current_user, subject_type, subject_id, application_id)
        form = score_form(criteria)(data={
            **{f"score_{code}": row.score for code, row in own.items()},
            **{f"comment_{code}": row.comment for code, row in own.items()}})
    result = services.result_of(subject_type, subject_id, application)
    members = services.member_scores(jury, subject_type, application) if jury else []
    return render_template(
        "aid/jury/score.html", subject=subject, subject_type=subject_type,
        subject_id=subject_id, title=subject.title(subject_id), application=application,
        jury=jury, me=me, criteria=criteria, form=form, error=error, result=result,
        members=members, names={m.user_id: m.user.display_name for m in jury.members}
        if jury else {},
        recused=services.recusal_of(current_user, application) if me else None,
        may_score=me is not None and subject.scoring_open(subject_id)
        and not application.decided, **_labels()), status


@bp.get(PREFIX + "/applications/<int:application_id>")
@login_required
def jury_score(subject_type: str, subject_id: int, application_id: int):
    """One application's scores: the member's own form (or why they are recused), every
    member's scores for the jury and the committee."""
    return _score_page(subject_type, subject_id, application_id)


@bp.post(PREFIX + "/applications/<int:application_id>")
@login_required
def jury_score_post(subject_type: str, subject_id: int, application_id: int):
    jury = services.jury_of(subject_type, subject_id)
    if services.membership(current_user, jury) is None:
        abort(403)
    application = services.application_of(subject_type, subject_id, application_id)
    recusal.check(current_user, application.recusal_type, application.recusal_id,
                           "jury.score")
    form = score_form(jury.criteria)()
    if not form.validate_on_submit():
        return _score_page(subject_type, subject_id, application_id, form=form, status=422)
    on_refusal(form=form, page=lambda error: _score_page(
        subject_type, subject_id, application_id, form=form,
        error=refusal_message(form, error))[0])
    scores = {code: services.ScoreInput(form[f"score_{code}"].data,
                                        form[f"comment_{code}"].data or "")
              for code in jury.criteria}
    services.score(current_user, subject_type, subject_id, application_id, scores)
    flash(_("Your scores are saved."), "success")
    return redirect(url_for("aid.jury_score", subject_type=subject_type,
                            subject_id=subject_id, application_id=application_id), 303)
