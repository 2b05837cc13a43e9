"""Route guards for roles. The rule "who may do what" lives with each service."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from inspir_events.accounts.models import Role


def role_required(role: Role):
    """Signed-in users holding ``role`` only: others get 403, visitors the log-in page."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
