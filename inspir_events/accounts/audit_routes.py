"""The audit log page for admins: read-only (GET only), filtered, paginated.

Issue 10: "readable by admins, never editable from the UI" — no route of this
blueprint accepts anything but GET, and no service updates an entry. The page is an
admin page of accounts (it needs the admin role and names the actors), on a blueprint
of its own, ``audit`` (accounts/blueprint.py), so its endpoint stays ``audit.log``.
"""

from __future__ import annotations

from flask import render_template, request

from inspir_events.accounts import audit_log as queries
from inspir_events.accounts.blueprint import audit_bp as bp
from inspir_events.accounts.models import Role
from inspir_events.accounts.permissions import role_required


def _page() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 100_000)) if value.isdigit() else 1


@bp.route("/admin/audit")
@role_required(Role.ADMIN)
def log():
    filters = queries.filters_from(request.args)
    items, total, page = queries.entries(filters, _page())
    actions = queries.actions_used()
    return render_template(
        "admin/audit.html", entries=items, total=total, page=page,
        pages=max(1, -(-total // queries.PER_PAGE)), filters=filters, actions=actions,
        families=queries.action_families(actions), object_types=queries.object_types_used(),
    )
