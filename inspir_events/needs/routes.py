"""Need pages: boards, submission, support, reports, moderation, open data. Thin views."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from inspir_events import limits
from inspir_events.accounts.permissions import verified_required
from inspir_events.discussions import moderation as comment_moderation
from inspir_events.errors import on_refusal
from inspir_events.extensions import db
from inspir_events.i18n import localized
from inspir_events.needs import board_page, cards, lineage, rules, services
from inspir_events.needs import moderation as moderating
from inspir_events.needs.blueprint import bp
from inspir_events.needs.forms import (
    EmptyForm,
    HideForm,
    NeedForm,
    ReportForm,
    SupportForm,
)
from inspir_events.needs.rules import BoardFilters, NeedStatus, Sort
from inspir_events.needs.serializers import NEED_COLUMNS, need_item
from inspir_events.opendata import csv_response
from inspir_events.pagecache import public_fragment
from inspir_events.reference import choices, fields
from inspir_events.reference import services as reference
from inspir_events.reference.models import Department, Epci, Theme

CSV_HEADER = NEED_COLUMNS  # the same fields as the API's needs


def _int_arg(name: str, default: int | None = None) -> int | None:
    try:
        return int(request.args.get(name, ""))
    except ValueError:
        return default


def _filters(**fixed) -> BoardFilters:
    args = request.args
    status = args.get("status", "")
    sort = args.get("sort", "")
    values = {
        "department": args.get("department") or None,
        "theme": args.get("theme") or None,
        "status": NeedStatus(status) if status in rules.BOARD_STATUSES else None,
        "tag": args.get("tag") or None,
        "epci": args.get("epci") or None,
        "query": args.get("q", "")[:200],
        "sort": Sort(sort) if sort in Sort._value2member_map_ else Sort.NEWEST,
    }
    values.update(fixed)
    return BoardFilters(**values)


def _board_body(filters: BoardFilters, heading: str, fixed: dict, viewer) -> str:
    result = services.board(filters, _int_arg("page", 1), _int_arg("per_page"), viewer)
    signed_in = viewer is not None and viewer.is_authenticated
    login_url = None if signed_in else url_for("accounts.login",
                                               next=request.full_path.rstrip("?"))
    shown = cards.cards(result.items, result.tags, result.supported_ids,
                        reference.departments_by_code(), reference.themes_by_code(),
                        result.comments, signed_in, login_url)
    return board_page.body(result, filters, heading, fixed, shown)


def _render_board(filters: BoardFilters, heading: str, fixed: dict):
    """A board page. Anonymous visitors' pages hold nothing of their session, so their body
    is kept BOARD_CACHE_SECONDS (per address and language); signed-in people, whose own
    supports are marked, always get a fresh one."""
    if current_user.is_authenticated:
        html = _board_body(filters, heading, fixed, current_user)
        body = Markup(html)  # noqa: S704  # nosec B704 # our own autoescaped template
    else:
        body = public_fragment("needs-board",
                               lambda: _board_body(filters, heading, fixed, None))
    # The body is our own rendered (autoescaped) template, not user input.
    return render_template("needs/board.html", body=body, heading=heading)


@bp.route("/needs")
@limits.costly_read
def board():
    return _render_board(_filters(), _("Needs of Hauts-de-France"), {})


@bp.route("/needs/territory/<code>")
@limits.costly_read
def territory(code: str):
    department = db.get_or_404(Department, code)
    return _render_board(_filters(department=code),
                         _("Needs in %(place)s", place=localized(department)),
                         {"department": code})


@bp.route("/needs/epci/<siren>")
@limits.costly_read
def intercommunality(siren: str):
    """The board of an intercommunality: the needs of its communes (issue 20 §3)."""
    epci = db.get_or_404(Epci, siren)
    return _render_board(_filters(epci=siren),
                         _("Needs of the intercommunality %(name)s", name=epci.name),
                         {"epci": siren})


@bp.route("/needs/theme/<code>")
@limits.costly_read
def theme(code: str):
    theme_row = db.get_or_404(Theme, code)
    return _render_board(_filters(theme=code),
                         _("Needs about %(theme)s", theme=localized(theme_row)),
                         {"theme": code})


def _form_choices(form: NeedForm) -> None:
    form.department.choices = choices.departments(blank=_("Choose…"))
    form.theme.choices = choices.themes(blank=_("Choose…"))


def _input(form: NeedForm) -> services.NeedInput:
    return services.NeedInput(
        title=form.title.data, description=form.description.data,
        department_code=form.department.data, theme_code=form.theme.data,
        commune=form.commune.data or "", tags=rules.parse_tags(form.tags.data or ""),
    )


def _form_page(form: NeedForm, need=None, error: services.NeedError | None = None):
    """The need form (with what was typed); a refusal's message under its field, or on top
    when it is about the whole form."""
    status = error.status if error else (422 if form.errors else 200)
    return render_template("needs/form.html", form=form, need=need,
                           error=error.message if error and not error.field else None), status


def _submit_again(message: str) -> str:
    """The need form again, with what was typed and the limit's message."""
    form = NeedForm()
    _form_choices(form)
    return render_template("needs/form.html", form=form, need=None, error=message)


limits.answer_on(bp, submit=_submit_again)


@bp.route("/needs/new", methods=["GET", "POST"])
@verified_required
@limits.limit("need")
def submit():
    form = NeedForm()
    _form_choices(form)
    if form.validate_on_submit():
        on_refusal(form=form, page=lambda error: _form_page(form, error=error))
        need = services.submit(current_user, _input(form))
        if need.is_public:
            flash(_("Your need is published. Thank you!"), "success")
        else:
            flash(_("Your need is saved; it will be published once a moderator approves it."),
                  "info")
        return redirect(url_for("needs.detail", need_id=need.id))
    return _form_page(form)


@bp.route("/needs/<int:need_id>")
def detail(need_id: int):
    need = services.get_for_viewer(need_id, current_user)
    is_author = current_user.is_authenticated and need.author_id == current_user.id
    return render_template(
        "needs/detail.html", need=need, is_author=is_author,
        editable=is_author and rules.is_editable(need.status),
        supported=services.has_supported(need, current_user),
        lineage=lineage.of(need), report_form=ReportForm(),
        hide_form=HideForm(), empty_form=EmptyForm(),
        is_moderator=services.is_moderator(current_user), **board_page.labels(),
    )


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id: int):
    on_refusal(back=url_for("needs.detail", need_id=need_id))
    need = services.editable_need(current_user, need_id)
    form = NeedForm(obj=None if request.method == "POST" else need)
    _form_choices(form)
    if request.method == "GET":
        form.department.data = need.department_code
        form.commune.data = fields.shown(need.commune, need.commune_code)
        form.theme.data = need.theme_code
        form.tags.data = ", ".join(need.tags)
    if form.validate_on_submit():
        on_refusal(form=form, page=lambda error: _form_page(form, need, error))
        services.edit(current_user, need_id, _input(form))
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("needs.detail", need_id=need_id))
    return _form_page(form, need)


@bp.route("/needs/<int:need_id>/withdraw", methods=["POST"])
@login_required
def withdraw(need_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("needs.detail", need_id=need_id))
    services.withdraw(current_user, need_id)
    flash(_("Your need is withdrawn from the boards."), "success")
    return redirect(url_for("needs.mine"))


@bp.route("/needs/<int:need_id>/support", methods=["POST"])
@login_required
@limits.limit("support")
def support(need_id: int):
    form = SupportForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate_on_submit():
        abort(400)
    supported, count = services.set_support(current_user, need_id, form.supported.data == "1")
    if wants_json:
        return jsonify(supported=supported, supporters_count=count)
    flash(_("Your support is recorded.") if supported else _("Your support is withdrawn."),
          "success")
    return redirect(request.referrer if _same_site(request.referrer)
                    else url_for("needs.detail", need_id=need_id))


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


@bp.route("/needs/<int:need_id>/report", methods=["POST"])
@login_required
def report(need_id: int):
    form = ReportForm()
    if not form.validate_on_submit():
        flash(_("Say what is wrong with this need (at most %(max)d characters).",
                max=rules.REPORT_REASON_MAX), "error")
        return redirect(url_for("needs.detail", need_id=need_id))
    on_refusal(back=url_for("needs.detail", need_id=need_id))
    services.report(current_user, need_id, form.reason.data)
    flash(_("Thank you: the moderators will look at this need."), "success")
    return redirect(url_for("needs.detail", need_id=need_id))


@bp.route("/needs/mine")
@login_required
def mine():
    return render_template("needs/mine.html", needs=services.my_needs(current_user),
                           **board_page.labels())


# ---- moderation ------------------------------------------------------------------------

def _moderators_only():
    if not services.is_moderator(current_user):
        abort(403)


@bp.route("/moderation/needs")
@login_required
def moderation():
    _moderators_only()
    return render_template("needs/moderation.html", queue=moderating.moderation_queue(),
                           comment_queue=comment_moderation.queue(),
                           hide_form=HideForm(), empty_form=EmptyForm(), **board_page.labels())


@bp.route("/moderation/needs/<int:need_id>/hide", methods=["POST"])
@login_required
def hide(need_id: int):
    _moderators_only()
    form = HideForm()
    if not form.validate_on_submit():
        flash(_("Give the author a reason (at most %(max)d characters).",
                max=rules.HIDE_REASON_MAX), "error")
        return redirect(url_for("needs.moderation"))
    moderating.hide(current_user, need_id, form.reason.data)
    flash(_("The need is hidden; its author sees your reason."), "success")
    return redirect(url_for("needs.moderation"))


@bp.route("/moderation/needs/<int:need_id>/restore", methods=["POST"])
@login_required
def restore(need_id: int):
    _moderators_only()
    if not EmptyForm().validate_on_submit():
        abort(400)
    moderating.restore(current_user, need_id)
    flash(_("The need is public."), "success")
    return redirect(url_for("needs.moderation"))


@bp.route("/moderation/needs/<int:need_id>/dismiss", methods=["POST"])
@login_required
def dismiss(need_id: int):
    _moderators_only()
    if not EmptyForm().validate_on_submit():
        abort(400)
    moderating.dismiss_reports(current_user, need_id)
    flash(_("The reports are closed; the need stays public."), "success")
    return redirect(url_for("needs.moderation"))


# ---- open data -------------------------------------------------------------------------

@bp.route("/needs.csv")
@limits.costly_read
def export_csv():
    records = (need_item(n) for n in services.export_needs(_filters()))
    rows = ([r[k] if k != "tags" else ";".join(r[k]) for k in CSV_HEADER] for r in records)
    return csv_response(CSV_HEADER, rows, "inspir-needs.csv")


@bp.route("/needs.json")
@limits.costly_read
def export_json():
    records = [need_item(n) for n in services.export_needs(_filters())]
    return jsonify(count=len(records), needs=records)
