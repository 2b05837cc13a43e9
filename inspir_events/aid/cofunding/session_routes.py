"""Sessions of co-funding applications (thin views): the list, the committee's session
page (its applications, its jury's ranking), an application as the jury reads it, the
public results once published. The jury itself (members, quorum, scores) is managed on
the jury's pages (:mod:`inspir_events.aid.jury.routes`, subject ``cofunding_session``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from inspir_events.aid.blueprint import bp
from inspir_events.aid.cofunding import sessions
from inspir_events.aid.cofunding.forms import REVENUE_LABELS, SessionApplicationForm, SessionForm
from inspir_events.aid.cofunding.models import JURY_SUBJECT
from inspir_events.aid.forms import refusal_message
from inspir_events.aid.jury import services as jury
from inspir_events.aid.jury.forms import DISCIPLINE_LABELS
from inspir_events.aid.names import SECTION_NAMES
from inspir_events.aid.years import services as years
from inspir_events.errors import on_refusal
from inspir_events.recusal import services as recusal


def _list_page(form=None, error=None, status: int = 200):
    manage = sessions.may_manage(current_user)
    if form is None and manage:
        form = SessionForm(data={"year": years.today().year})
    return render_template("aid/sessions/list.html", rows=sessions.sessions_of(current_user),
                           manage=manage, form=form, error=error), status


@bp.get("/aid/sessions")
def sessions_list():
    """Sessions of co-funding applications: the committee's (with a form to create one),
    those whose jury one sits on, and every published one."""
    return _list_page()


@bp.post("/aid/sessions")
@login_required
def create_session():
    if not sessions.may_manage(current_user):
        abort(403)
    form = SessionForm()
    if not form.validate_on_submit():
        return _list_page(form, status=422)
    on_refusal(form=form, page=lambda error: _list_page(form, refusal_message(form, error))[0])
    session = sessions.create_session(current_user, sessions.SessionInput(
        form.title.data, form.year.data, form.meeting_on.data))
    flash(_("The session is created: name its jury."), "success")
    return redirect(url_for("aid.session", session_id=session.id), 303)


def _session_page(session_id: int, form=None, error=None, status: int = 200):
    session = sessions.for_reader(current_user, session_id)  # 403: not its jury, committee
    manage = sessions.may_manage(current_user)
    rows = jury.ranking(current_user, JURY_SUBJECT, session_id)
    if form is None:
        form = SessionApplicationForm(prefix="add")
    form.application.choices = [SelectChoice(0, _("Choose…"))] + [
        SelectChoice(a.id, f"{a.event.title} ({a.beneficiary_name})")
        for a in sessions.candidates(session, current_user)]
    return render_template(
        "aid/sessions/session.html", session=session, rows=rows, manage=manage, form=form,
        error=error, action_form=FlaskForm(), jury=jury.jury_of(JURY_SUBJECT, session_id),
        statuses={a.id: a for a in session.applications}, shown=jury.shown,
        discipline_labels=DISCIPLINE_LABELS, pending=sessions.pending_count(session)), status


@bp.get("/aid/sessions/<int:session_id>")
@login_required
def session(session_id: int):
    """A session: its applications and its jury's ranking (mean, spread, scorers,
    disciplines, quorum), for its jury and the committee only."""
    return _session_page(session_id)


@bp.post("/aid/sessions/<int:session_id>/applications")
@login_required
def session_add(session_id: int):
    if not sessions.may_manage(current_user):
        abort(403)
    form = SessionApplicationForm(prefix="add")
    if not form.validate_on_submit():
        return _session_page(session_id, form, status=422)
    on_refusal(form=form, page=lambda error: _session_page(
        session_id, form, refusal_message(form, error))[0])
    sessions.add_application(current_user, session_id, form.application.data)
    flash(_("The application is in the session: its jury scores it."), "success")
    return redirect(url_for("aid.session", session_id=session_id), 303)


@bp.post("/aid/sessions/<int:session_id>/applications/<int:application_id>/remove")
@login_required
def session_remove(session_id: int, application_id: int):
    if not sessions.may_manage(current_user):
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("aid.session", session_id=session_id))
    sessions.remove_application(current_user, session_id, application_id)
    flash(_("The application is taken out of the session."), "success")
    return redirect(url_for("aid.session", session_id=session_id), 303)


@bp.post("/aid/sessions/<int:session_id>/close")
@login_required
def close_session(session_id: int):
    if not sessions.may_manage(current_user):
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("aid.session", session_id=session_id))
    sessions.close_session(current_user, session_id)
    flash(_("The session is closed: its jury no longer scores."), "success")
    return redirect(url_for("aid.session", session_id=session_id), 303)


@bp.post("/aid/sessions/<int:session_id>/publish")
@login_required
def publish_session(session_id: int):
    if not sessions.may_manage(current_user):
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("aid.session", session_id=session_id))
    sessions.publish_results(current_user, session_id)
    flash(_("The session's results are published: its ranking is public, not the scores."),
          "success")
    return redirect(url_for("aid.session_results", session_id=session_id), 303)


@bp.get("/aid/sessions/<int:session_id>/results")
def session_results(session_id: int):
    """A published session's results: the jury's ranking (means and spreads), never a
    member's score (404 until published)."""
    session, rows = sessions.public_results(session_id)
    return render_template("aid/sessions/results.html", session=session, rows=rows,
                           shown=jury.shown, discipline_labels=DISCIPLINE_LABELS,
                           decisions={a.id: a for a in session.applications})


@bp.get("/aid/sessions/<int:session_id>/applications/<int:application_id>")
@login_required
def session_application(session_id: int, application_id: int):
    """An application of the session as its jury reads it (and the committee), with the
    link to score it, or why the reader is recused from it."""
    session, application = sessions.application_for_juror(current_user, session_id,
                                                          application_id)
    return render_template(
        "aid/sessions/application.html", session=session, application=application,
        event=application.event, revenue_labels=REVENUE_LABELS, section_labels=SECTION_NAMES,
        recused=recusal.refusal(current_user, "cofunding_application", application.id),
        may_declare=recusal.may_declare(current_user, "cofunding_application",
                                        application.id))
