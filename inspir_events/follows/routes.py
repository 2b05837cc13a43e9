"""The follow button (thin view) and what the pages need to draw it.

The button is a form posting to :func:`follow`: without JavaScript the page comes back
with a message; with JavaScript (static/js/follows.js) it asks for JSON and toggles in
place, as the need's « Moi aussi » does.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inspir_events import limits
from inspir_events.errors import on_refusal
from inspir_events.follows import services, subjects
from inspir_events.follows.blueprint import bp
from inspir_events.follows.forms import FollowForm


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


@bp.route("/follow/<subject_type>/<int:subject_id>", methods=["POST"])
@login_required
@limits.limit("follow")
def follow(subject_type: str, subject_id: int):
    """Follow a need, an event, a project or a support structure (``following=1``), or
    stop (``following=0``); back to the page the button was on."""
    if subjects.subject_of(subject_type) is None:
        abort(404)
    form = FollowForm()
    if not form.validate_on_submit():
        abort(400)
    back = request.referrer if _same_site(request.referrer) else url_for("accounts.profile")
    on_refusal(back=back)
    following = services.set_following(current_user, subject_type, subject_id,
                                       form.following.data == "1")
    if request.accept_mimetypes.best == "application/json":
        return jsonify(following=following)
    flash(_("You follow it: its news will come to your notifications.") if following
          else _("You no longer follow it."), "success")
    return redirect(back)


@bp.app_template_global("is_following")
def is_following(subject_type: str, subject_id: int) -> bool:
    """Whether the signed-in person follows this subject (the button's state)."""
    return services.is_following(current_user, subject_type, subject_id)
