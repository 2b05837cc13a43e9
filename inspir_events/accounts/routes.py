"""Account pages: thin views that parse, call a use case and render; a refusal is
answered by the error boundary (inspir_events/errors.py), as each view says with
``on_refusal``."""

from __future__ import annotations

import json

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from inspir_events import limits, security
from inspir_events.accounts import credentials, privacy, services
from inspir_events.accounts import signup as signing_up
from inspir_events.accounts.blueprint import bp
from inspir_events.accounts.forms import (
    ROLE_LABELS,
    AccountDeletionForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RolesForm,
    SignupForm,
)
from inspir_events.accounts.models import Role, User
from inspir_events.accounts.permissions import role_required
from inspir_events.accounts.registry import profile_sections
from inspir_events.errors import on_refusal
from inspir_events.extensions import db
from inspir_events.i18n import current_language
from inspir_events.reference import choices
from inspir_events.urls import safe_next_url


def _start_session(user: User, remember: bool) -> None:
    services.open_session(user)
    session.clear()  # nothing from before the log-in survives it
    login_user(user)
    session.permanent = remember


def _form_again(template: str, form_class, in_summary: bool = True):
    """A limited form's page again, with what was typed and the limit's message
    (limits.answer_on): in the form's error summary, or flashed above it."""
    def page(message: str) -> str:
        if not in_summary:
            flash(message, "error")
        return render_template(template, form=form_class(),
                               error=message if in_summary else None)
    return page


limits.answer_on(
    bp, login=_form_again("accounts/login.html", LoginForm),
    signup=_form_again("accounts/signup.html", SignupForm, in_summary=False),
    change_password=_form_again("accounts/password.html", PasswordChangeForm, in_summary=False),
    delete_account=_form_again("accounts/delete.html", AccountDeletionForm, in_summary=False))


@bp.route("/signup", methods=["GET", "POST"])
@limits.limit("signup")
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignupForm()

    def page(error=None):
        return render_template("accounts/signup.html", form=form), 200 if not form.errors else 422

    if not form.validate_on_submit():
        return page()
    on_refusal(page=page, form=form)
    # The same answer whether the address was free or taken (no account enumeration).
    signing_up.register(form.email.data, form.display_name.data, form.password.data,
                        language=current_language())
    session["signup_email"] = form.email.data.strip()
    return redirect(url_for("accounts.check_mailbox"))


@bp.route("/signup/check-your-mailbox")
def check_mailbox():
    return render_template("accounts/check_mailbox.html", email=session.get("signup_email"))


@bp.route("/login", methods=["GET", "POST"])
@limits.login_failure_limits
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:  # not the error boundary: a failed log-in is counted (limits) before answering
            user = services.authenticate(form.email.data, form.password.data)
        except services.InvalidCredentials as exc:
            limits.count_login_failure()
            security.log_event("login.failure",
                               account=limits.account_reference(form.email.data),
                               known_device=limits.trusted_device() is not None)
            error = exc.message
        else:
            _start_session(user, remember=form.remember.data)
            security.log_event("login.success", known_device=limits.trusted_device() is not None)
            flash(_("You are signed in."), "success")
            response = redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
            limits.remember_device(response, user.email)  # its own attempts count apart
            return response
    status = 422 if (error or form.errors) else 200
    return render_template("accounts/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.close_session(current_user.session_token)
        logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    form.department.choices = choices.departments(blank=_("Not specified"))
    form.skills.choices = choices.skills()
    if request.method == "GET":
        form.department.data = current_user.department_code or ""
        form.skills.data = [s.code for s in current_user.skills]

    def page(error=None):
        return render_template("accounts/profile.html", form=form,
                               sections=profile_sections(current_user)), \
            200 if not form.errors else 422

    if not form.validate_on_submit():
        return page()
    on_refusal(page=page, form=form)
    services.update_profile(
        current_user,
        display_name=form.display_name.data,
        department_code=form.department.data,
        skill_codes=form.skills.data or [],
        bio=form.bio.data or "",
    )
    flash(_("Your profile is saved."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/admin/users")
@role_required(Role.ADMIN)
def admin_users():
    query = request.args.get("q", "")
    users = services.list_users(query)
    forms = {}
    for user in users:
        form = RolesForm(prefix=f"u{user.id}", formdata=None)
        form.roles.choices = choices.from_labels(ROLE_LABELS)
        form.roles.data = [r.value for r in user.roles]
        forms[user.id] = form
    return render_template("admin/users.html", users=users, forms=forms, query=query)


@bp.route("/admin/users/<int:user_id>/roles", methods=["POST"])
@role_required(Role.ADMIN)
def admin_set_roles(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RolesForm(prefix=f"u{user.id}")
    form.roles.choices = choices.from_labels(ROLE_LABELS)
    back = url_for("accounts.admin_users", q=request.args.get("q", ""))
    if not form.validate_on_submit():
        flash(_("These roles could not be saved."), "error")
        return redirect(back)
    on_refusal(back=back)
    services.set_roles(current_user, user, [Role(v) for v in form.roles.data or []])
    flash(_("Roles of %(name)s saved.", name=user.display_name), "success")
    return redirect(back)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limits.limit("credentials", shared=True)
def change_password():
    form = PasswordChangeForm()

    def page(error=None):
        return render_template("accounts/password.html", form=form), \
            200 if not form.errors else 422

    if not form.validate_on_submit():
        return page()
    remember = session.permanent
    on_refusal(page=page, form=form)
    credentials.change_password(current_user, form.current_password.data, form.new_password.data)
    security.log_event("password.changed")
    user = current_user._get_current_object()
    session.clear()  # the old session's data ends with it
    login_user(user)
    session.permanent = remember
    flash(_("Your password is changed. Your other sessions are signed out."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/account/export")
@login_required
def export_page():
    return render_template("accounts/export.html", form=FlaskForm())


@bp.route("/account/export", methods=["POST"])
@login_required
def export_download():
    form = FlaskForm()
    if not form.validate_on_submit():
        return render_template("accounts/export.html", form=form), 422
    data = privacy.export_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="inspir-events-data-{current_user.id}.json"',
        "Cache-Control": "no-store",
    })


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limits.limit("credentials", shared=True)  # the password is typed: guessing is limited
def delete_account():
    form = AccountDeletionForm()

    def page(error=None):
        if error is not None and not (error.field and error.field in form):
            flash(error.message, "error")  # the page has no place for a general error
        return render_template("accounts/delete.html", form=form), \
            200 if not form.errors else 422

    if not form.validate_on_submit():
        return page()
    on_refusal(page=page, form=form)
    privacy.delete_account(current_user, form.current_password.data)
    security.log_event("account.deleted")
    logout_user()
    session.clear()
    flash(_("Your account is deleted. What you published stays, without your name."), "success")
    return redirect(url_for("main.index"))
