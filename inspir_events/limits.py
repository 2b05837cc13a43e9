"""Abuse limits in one place: who is counted, how much, and the 429 answer.

Issue 10 (Abuse limits) and DESIGN.md §7: sign-up, log-in, password change, need
posting, supports, votes and reproduction requests are each limited; issue 17 adds the
confirmation link sent again, the change of address and password reset requests (per
address asked and per client: the same answer whether an account uses it or not). The amounts
are settings (``SIGNUP_LIMIT``... in config/); this module says who each one
counts (an address, an account, an e-mail address) and answers a request over
the limit with 429, a message that says what was limited and how long to wait,
and a ``Retry-After`` header: the form's own page when the blueprint gives one,
JSON under /api/ or to a script asking for JSON, the error page otherwise.

Flask-Limiter counts in a moving window, in Redis when REDIS_URL is set (shared
by every process), in memory otherwise; when Redis fails at run time it goes on
in memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) and logs a warning. Live votes
over the socket have their own per-user bucket (voting/tally.py, 5 a second).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded
from flask_login import current_user

from inspir_events.errors import API_PREFIX, MESSAGES
from inspir_events.extensions import limiter

# Without a current limit to read the window from (never seen; a safe guess).
DEFAULT_WAIT_SECONDS = 60


# ---- who is counted ------------------------------------------------------------------------

def address_key() -> str:
    """The client's address (behind PROXY_FIX_HOPS trusted proxies, the forwarded one)."""
    return f"ip:{request.remote_addr}"


def account_key() -> str:
    """The signed-in account; its address before it signs in."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return address_key()


def login_email_key() -> str:
    """The account a log-in form names (whether it exists or not: same answer)."""
    return "login-account:" + request.form.get("email", "").strip().lower()


def reset_email_key() -> str:
    """The address a password reset form names (whether it has an account or not)."""
    return "reset-account:" + request.form.get("email", "").strip().lower()


# ---- how much ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Limit:
    """One abuse limit: the setting holding its amount, who it counts, what it tells."""

    setting: str
    key: Callable[[], str]
    reason: object  # a lazy string, translated when the limit is hit


LIMITS = {
    "signup": Limit("SIGNUP_LIMIT", address_key,
                    _l("Many accounts were created from your connection in a short time.")),
    "login_account": Limit("LOGIN_FAILURES_PER_ACCOUNT", login_email_key,
                           _l("Too many failed log-ins for this account.")),
    "login_address": Limit("LOGIN_FAILURES_PER_IP", address_key,
                           _l("Too many failed log-ins from your connection.")),
    "password": Limit("CREDENTIAL_CHANGES_LIMIT", account_key,
                      _l("You tried to change your password many times in a short time.")),
    "need": Limit("NEED_POSTS_LIMIT", account_key,
                  _l("You have posted many needs in a short time.")),
    "support": Limit("NEED_SUPPORTS_LIMIT", account_key,
                     _l("You have supported or withdrawn many needs in a short time.")),
    "follow": Limit("FOLLOWS_LIMIT", account_key,
                    _l("You have followed or stopped following many pages in a short time.")),
    "vote": Limit("VOTE_HTTP_LIMIT", account_key,
                  _l("You are voting faster than anyone could read the ideas.")),
    "reproduce": Limit("REPRODUCTION_REQUESTS_LIMIT", account_key,
                       _l("You have sent many reproduction requests in a short time.")),
    "verify_resend": Limit("VERIFICATION_RESEND_LIMIT", account_key,
                           _l("You asked for the confirmation link many times in a short "
                              "time.")),
    "email_change": Limit("CREDENTIAL_CHANGES_LIMIT", account_key,
                          _l("You tried to change your address many times in a short time.")),
    "reset_email": Limit("RESET_REQUESTS_PER_EMAIL", reset_email_key,
                         _l("Many password resets were asked for this address.")),
    "reset_address": Limit("RESET_REQUESTS_PER_IP", address_key,
                           _l("Many password resets were asked from your connection.")),
}


def limit(name: str, **options):
    """The decorator of the limit ``name`` (see LIMITS): POST requests are counted.

    Put it under ``@login_required``: a visitor sent to the log-in page is not counted.
    """
    spec = LIMITS[name]
    options.setdefault("methods", ["POST"])
    return limiter.limit(lambda: current_app.config[spec.setting], key_func=spec.key,
                         error_message=lambda: str(spec.reason), **options)


def reset_request_limits(view):
    """Password reset requests: counted per address asked and per client, every one."""
    view = limit("reset_address")(view)
    return limit("reset_email")(view)


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


def login_failure_limits(view):
    """Log-in: failed attempts are counted per account named and per address.

    The view sets ``limits.count_login_failure()`` when the credentials are wrong; a
    successful log-in is not counted.
    """
    view = limit("login_address", deduct_when=_login_failed)(view)
    return limit("login_account", deduct_when=_login_failed)(view)


def count_login_failure() -> None:
    g.login_failed = True


# ---- the 429 answer ------------------------------------------------------------------------

def retry_after() -> int:
    """Whole seconds until the breached limit lets one more request through (rounded
    as Flask-Limiter rounds the Retry-After header it sets after the answer)."""
    current = limiter.current_limit
    if current is None:
        return DEFAULT_WAIT_SECONDS
    return max(1, int(current.reset_at - time.time()))


def wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("Please try again in %(num)d second.",
                        "Please try again in %(num)d seconds.", seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("Please try again in %(num)d minute.",
                    "Please try again in %(num)d minutes.", minutes)


def message_for(error: RateLimitExceeded, seconds: int) -> str:
    """« Too many attempts — <what was limited> Please try again in N seconds. »"""
    title, generic = MESSAGES[429]
    reason = error.description if error.limit.error_message else str(generic)
    return f"{title} — {reason} {wait_text(seconds)}"


def wants_json() -> bool:
    return (request.path.startswith(API_PREFIX)
            or request.accept_mimetypes.best == "application/json")


def too_many_requests(error: RateLimitExceeded, page: Callable[[str], str | None] | None = None):
    """The 429 response: JSON, the form's ``page(message)``, or the error page."""
    seconds = retry_after()
    message = message_for(error, seconds)
    if wants_json():
        response = jsonify({"error": {"code": "too_many_requests", "message": message,
                                      "retry_after": seconds}})
    else:
        body = page(message) if page is not None else None
        if body is None:
            title = MESSAGES[429][0]
            body = render_template("errors/error.html", code=429, title=title,
                                   message=message, detail=None)
        response = current_app.make_response(body)
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    response.headers["Cache-Control"] = "no-store"
    return response


def answer_on(blueprint, **pages: Callable[[str], str | None]) -> None:
    """Answer the blueprint's rate-limited requests with :func:`too_many_requests`.

    ``pages`` maps a view's name to a function rendering its form again with the
    message (what was typed kept); it may return None for the error page.
    """

    def handler(error: RateLimitExceeded):
        view = (request.endpoint or "").rpartition(".")[2]
        return too_many_requests(error, pages.get(view))

    blueprint.register_error_handler(RateLimitExceeded, handler)
