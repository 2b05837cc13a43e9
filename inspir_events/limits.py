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

Issue 18:

- **Log-in without locking the owner out** (docs/security.md, « Failed log-ins »):
  failed log-ins are counted per (account named, address) pair tightly, per address
  loosely and per account over an hour; a browser that signed in to an account before
  carries a *device cookie* (OWASP's "device cookies"), signed, naming that account: its
  attempts on that account skip those three counts and are counted per device instead.
  A stranger sharing the venue's address exhausts only the counts of browsers that never
  signed in to the account, never the owner's.
- Password change and account deletion share one count per account (``credentials``).
- **Costly reads** (searches, exports, feeds, the API) share one count per visitor
  (``READ_LIMIT``, per account once signed in, per address before), answered 429 with
  ``Retry-After`` and the ``X-RateLimit-*`` headers.
- Every 429 on a credential form is written to the security log (security.py).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from inspir_events import security
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


def login_email() -> str:
    """The account a log-in form names (whether it exists or not: same answer)."""
    return request.form.get("email", "").strip().lower()


def login_email_key() -> str:
    return "login-account:" + login_email()


def login_pair_key() -> str:
    """The account a log-in form names, from this address."""
    return f"login-pair:{request.remote_addr}:{login_email()}"


def login_device_key() -> str:
    return "login-device:" + (trusted_device() or "")


# ---- device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies") --------

DEVICE_COOKIE = "inspir_device"
_DEVICE_SALT = "inspir-login-device"


def _account_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_DEVICE_SALT)


def trusted_device() -> str | None:
    """This browser's device id when its device cookie is valid for the account the
    log-in form names (signed by SECRET_KEY, younger than LOGIN_DEVICE_LIFETIME)."""
    if "device" not in g:
        g.device = None
        value = request.cookies.get(DEVICE_COOKIE)
        if value and login_email():
            try:
                payload = _devices().loads(
                    value, max_age=current_app.config["LOGIN_DEVICE_LIFETIME"].total_seconds())
            except BadSignature:
                payload = None
            if (isinstance(payload, dict)
                    and payload.get("account") == _account_digest(login_email())):
                g.device = str(payload.get("device") or "") or None
    return g.device


def _untrusted() -> bool:
    return trusted_device() is None


def remember_device(response, email: str) -> None:
    """After a successful log-in: this browser is a known device of the account (a new
    cookie, a new device id, for LOGIN_DEVICE_LIFETIME; sent only to the log-in page)."""
    lifetime = current_app.config["LOGIN_DEVICE_LIFETIME"]
    value = _devices().dumps({"account": _account_digest(email),
                              "device": secrets.token_urlsafe(12)})
    response.set_cookie(DEVICE_COOKIE, value, max_age=int(lifetime.total_seconds()),
                        path="/login", httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))


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
    "login_pair": Limit("LOGIN_FAILURES_PER_ACCOUNT_AND_IP", login_pair_key,
                        _l("Too many failed log-ins for this account.")),
    "login_account": Limit("LOGIN_FAILURES_PER_ACCOUNT", login_email_key,
                           _l("Too many failed log-ins for this account.")),
    "login_address": Limit("LOGIN_FAILURES_PER_IP", address_key,
                           _l("Too many failed log-ins from your connection.")),
    "login_device": Limit("LOGIN_FAILURES_PER_DEVICE", login_device_key,
                          _l("Too many failed log-ins for this account.")),
    "credentials": Limit("CREDENTIAL_CHANGES_LIMIT", account_key,
                         _l("You typed your password many times in a short time.")),
    "read": Limit("READ_LIMIT", account_key,
                  _l("You are reading or downloading faster than a person would.")),
    "need": Limit("NEED_POSTS_LIMIT", account_key,
                  _l("You have posted many needs in a short time.")),
    "support": Limit("NEED_SUPPORTS_LIMIT", account_key,
                     _l("You have supported or withdrawn many needs in a short time.")),
    "follow": Limit("FOLLOWS_LIMIT", account_key,
                    _l("You have followed or stopped following many pages in a short time.")),
    "comment": Limit("COMMENT_POSTS_LIMIT", account_key,
                     _l("You have posted or edited many comments in a short time.")),
    "comment_report": Limit("COMMENT_REPORTS_LIMIT", account_key,
                            _l("You have reported many comments in a short time.")),
    "vote": Limit("VOTE_HTTP_LIMIT", account_key,
                  _l("You are voting faster than anyone could read the ideas.")),
    "upload": Limit("UPLOADS_LIMIT", account_key,
                    _l("You have sent many files in a short time.")),
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


def limit(name: str, *, shared: bool = False, **options):
    """The decorator of the limit ``name`` (see LIMITS): POST requests are counted.

    ``shared``: every view so decorated draws on one count (the limit's name is its
    scope), else each view counts on its own. Put it under ``@login_required``: a
    visitor sent to the log-in page is not counted.
    """
    spec = LIMITS[name]
    options.setdefault("methods", ["POST"])
    options.update(key_func=spec.key, error_message=lambda: str(spec.reason))
    amount = lambda: current_app.config[spec.setting]  # noqa: E731 - read per request
    if shared:
        return limiter.shared_limit(amount, scope=name, **options)
    return limiter.limit(amount, **options)


def _read_limit_off() -> bool:
    return not current_app.config.get("READ_LIMIT")


def costly_read(view_or_blueprint):
    """The shared limit of costly reads (searches, exports, feeds, the API): GET and HEAD
    requests counted per visitor, all such pages together; off when READ_LIMIT is empty."""
    return limit("read", shared=True, methods=["GET", "HEAD"],
                 exempt_when=_read_limit_off)(view_or_blueprint)


def reset_request_limits(view):
    """Password reset requests: counted per address asked and per client, every one."""
    view = limit("reset_address")(view)
    return limit("reset_email")(view)


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


def login_failure_limits(view):
    """Log-in: failed attempts are counted, a successful log-in is not.

    The view calls ``limits.count_login_failure()`` when the credentials are wrong. From
    a browser without a device cookie for the account named: per (account, address)
    pair, per address, per account. From a known device of that account: per device only.
    """
    for name in ("login_address", "login_account", "login_pair"):
        view = limit(name, deduct_when=_login_failed, exempt_when=trusted_device)(view)
    return limit("login_device", deduct_when=_login_failed, exempt_when=_untrusted)(view)


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
    g.inspir_retry_after = seconds  # kept from Flask-Limiter's rounding (keep_retry_after)
    response.headers["Cache-Control"] = "no-store"
    if request.method == "POST" and request.endpoint in CREDENTIAL_ENDPOINTS:
        security.log_event("lockout", limit=_breached(error), retry_after=seconds,
                           account=account_reference(login_email()) if login_email() else None)
    return response


def keep_retry_after(response):
    """Put the 429's own Retry-After back (``retry_after()``: at least 1, the number its
    message gives). Flask-Limiter sets the header again after the answer, truncating the
    limit's reset to whole seconds: 0 when its window was about to end, where the message
    said "1 second". Registered before Flask-Limiter (``app._init_extensions``), as Flask
    runs the last registered after-request function first."""
    seconds = g.get("inspir_retry_after")
    if seconds is not None and response.status_code == 429:
        response.headers["Retry-After"] = str(seconds)
    return response


# The forms where a password is typed: their 429s are lock-outs (the security log).
CREDENTIAL_ENDPOINTS = ("accounts.login", "accounts.change_password", "accounts.delete_account")


def _breached(error: RateLimitExceeded) -> str:
    """The name (in LIMITS) of the credential limit ``error`` breached, for the log."""
    key = getattr(error.limit, "key_func", None)
    for name in ("login_pair", "login_account", "login_address", "login_device", "credentials"):
        if LIMITS[name].key is key:
            return name
    return str(error.limit.limit)


def account_reference(email: str) -> str:
    """How the security log names an account typed in a form: 16 hex digits of its SHA-256
    (attempts on one account can be followed, the address is not written)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def answer_on(blueprint, **pages: Callable[[str], str | None]) -> None:
    """Answer the blueprint's rate-limited requests with :func:`too_many_requests`.

    ``pages`` maps a view's name to a function rendering its form again with the
    message (what was typed kept); it may return None for the error page.
    """

    def handler(error: RateLimitExceeded):
        view = (request.endpoint or "").rpartition(".")[2]
        return too_many_requests(error, pages.get(view))

    blueprint.register_error_handler(RateLimitExceeded, handler)


def init_app(app) -> None:
    """Every other rate-limited request (the costly reads) gets the same 429 answer."""
    app.register_error_handler(RateLimitExceeded, lambda error: too_many_requests(error))
