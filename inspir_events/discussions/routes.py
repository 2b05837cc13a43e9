"""Discussion pages: post, reply, edit, delete, report, moderate. Thin views.

A subject's page shows its conversation with the macro ``discussion(subject_type,
subject_id)`` (templates/discussions/_thread.html, imported ``with context``), which
reads it through :func:`comment_thread`. A form refused (an empty comment, a limit
reached) comes back on a page of its own with what was typed and the message under
the field, and a link back to the conversation.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inspir_events import limits
from inspir_events.accounts.permissions import verified_required
from inspir_events.discussions import moderation, rules, services, subjects
from inspir_events.discussions.blueprint import bp
from inspir_events.discussions.forms import CommentForm, EmptyForm, HideForm, ReportForm
from inspir_events.discussions.models import Comment
from inspir_events.errors import on_refusal
from inspir_events.extensions import db


def _subject_page(subject_type: str, subject_id: int) -> str:
    described = subjects.subject_of(subject_type)
    item = described.load(subject_id) if described is not None else None
    if item is None:
        abort(404)
    return described.url(subject_id)


def _form_page(form: CommentForm, back: str, comment: Comment | None = None,
               error: str | None = None, status: int | None = None):
    return render_template("discussions/form.html", form=form, back=back, comment=comment,
                           error=error), status or (422 if form.errors else 200)


def _post_again(message: str) -> str | None:
    values = request.view_args or {}
    described = subjects.subject_of(values.get("subject_type", ""))
    item = described.load(values.get("subject_id", 0)) if described is not None else None
    if item is None:
        return None
    form = CommentForm()
    return _form_page(form, described.url(item.id) + "#discussion", error=message)[0]


limits.answer_on(bp, post=_post_again)


@bp.route("/comments/<subject_type>/<int:subject_id>", methods=["POST"])
@verified_required
@limits.limit("comment")
def post(subject_type: str, subject_id: int):
    """Comment on a need, an idea or a project, or answer a comment (``parent``)."""
    back = _subject_page(subject_type, subject_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _form_page(form, back + "#discussion")
    on_refusal(form=form, page=lambda error: _form_page(
        form, back + "#discussion", error=None if error.field else error.message)[0])
    comment = services.post(current_user, subject_type, subject_id, form.body.data,
                            form.parent_id())
    flash(_("Your comment is posted."), "success")
    return redirect(back + services.comment_anchor(comment), 303)


def _back_to(comment: Comment) -> str:
    return services.subject_page(comment) or url_for("main.index")


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
@limits.limit("comment")
def edit(comment_id: int):
    """The author edits their comment within 15 minutes of posting it."""
    comment = db.get_or_404(Comment, comment_id)
    back = _back_to(comment)
    on_refusal(back=back)
    services.editable(current_user, comment_id)
    form = CommentForm(obj=comment if request.method == "GET" else None)
    if not form.validate_on_submit():
        return _form_page(form, back, comment)
    on_refusal(form=form, page=lambda error: _form_page(
        form, back, comment, error=None if error.field else error.message)[0])
    services.edit(current_user, comment_id, form.body.data)
    flash(_("Your comment is saved."), "success")
    return redirect(back, 303)


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
def delete(comment_id: int):
    """The author deletes their comment."""
    comment = db.get_or_404(Comment, comment_id)
    back = _back_to(comment).split("#")[0] + "#discussion"
    if not EmptyForm().validate_on_submit():
        abort(400)
    on_refusal(back=back)
    services.remove(current_user, comment_id)
    flash(_("Your comment is deleted."), "success")
    return redirect(back, 303)


@bp.route("/comments/<int:comment_id>/report", methods=["POST"])
@login_required
@limits.limit("comment_report")
def report(comment_id: int):
    """Anyone signed in reports a comment to the moderators."""
    comment = db.get_or_404(Comment, comment_id)
    back = _back_to(comment)
    form = ReportForm()
    on_refusal(back=back)
    if not form.validate_on_submit():
        flash(_("Say what is wrong with this comment (at most %(max)d characters).",
                max=rules.REPORT_REASON_MAX), "error")
        return redirect(back, 303)
    services.report(current_user, comment_id, form.reason.data)
    flash(_("Thank you: the moderators will look at this comment."), "success")
    return redirect(back, 303)


# ---- moderation ------------------------------------------------------------------------

def _moderators_only() -> str:
    if not moderation.is_moderator(current_user):
        abort(403)
    return url_for("needs.moderation") + "#comments"


@bp.route("/moderation/comments/<int:comment_id>/hide", methods=["POST"])
@login_required
def hide(comment_id: int):
    back = _moderators_only()
    form = HideForm()
    if not form.validate_on_submit():
        flash(_("Give a reason (at most %(max)d characters).", max=rules.HIDE_REASON_MAX),
              "error")
        return redirect(back)
    on_refusal(back=back)
    moderation.hide(current_user, comment_id, form.reason.data)
    flash(_("The comment is hidden."), "success")
    return redirect(back)


@bp.route("/moderation/comments/<int:comment_id>/restore", methods=["POST"])
@login_required
def restore(comment_id: int):
    back = _moderators_only()
    if not EmptyForm().validate_on_submit():
        abort(400)
    on_refusal(back=back)
    moderation.restore(current_user, comment_id)
    flash(_("The comment is shown again."), "success")
    return redirect(back)


@bp.route("/moderation/comments/<int:comment_id>/dismiss", methods=["POST"])
@login_required
def dismiss(comment_id: int):
    back = _moderators_only()
    if not EmptyForm().validate_on_submit():
        abort(400)
    on_refusal(back=back)
    moderation.dismiss_reports(current_user, comment_id)
    flash(_("The reports are closed; the comment stays."), "success")
    return redirect(back)


# ---- what the subjects' pages draw -----------------------------------------------------

@bp.app_template_global("comment_thread")
def comment_thread(subject_type: str, subject_id: int) -> services.Thread:
    """The conversation a subject's page shows (the macro ``discussion``)."""
    return services.thread(subject_type, subject_id, current_user,
                           moderator=moderation.is_moderator(current_user))


@bp.app_template_global("comment_forms")
def comment_forms() -> dict:
    return {"comment": CommentForm(formdata=None), "report": ReportForm(formdata=None),
            "hide": HideForm(formdata=None), "empty": EmptyForm(formdata=None),
            "moderator": moderation.is_moderator(current_user)}
