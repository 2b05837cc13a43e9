"""Security headers on every response (ASVS 14.4), and the security log (ASVS 7.1, 7.2).

The security log (issue 18, 1.10) is a stream of JSON lines written through Python's
logging, logger ``inspir_events.security``: log-in successes and failures, lock-outs
(a 429 on a form where a password is typed), refusals (403), role changes, password
changes and account deletions. Each line says what happened, when (UTC), from which
address, on which route (its rule, never the path: a path may hold a token) and who
(the signed-in account's id; an account typed in a form as 16 hex digits of its
address's SHA-256). Never a password, a token, a cookie or a session id: the fields
are named by the code that logs, and :func:`log_event` drops any whose name says it
is a secret. Where it goes is the ``SECURITY_LOG`` setting (docs/operations.md).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import logging.handlers
import os
import re
import sys
import time

from flask import current_app, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature

from inspir_events.timeutil import utcnow

log = logging.getLogger(__name__)
# Field names never written, whatever the caller passes.
SECRET_WORDS = ("password", "token", "session", "cookie", "secret", "csrf")

# No inline script or style anywhere: every asset is a file under static/.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def set_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        # Pages may hold personal data: never kept by shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def log_event(event: str, **fields) -> dict:
    """Write one security event; returns what was written (for the caller's tests).

    ``fields`` are added as they are (None dropped), except any named like a secret.
    """
    record: dict = {"event": event, "at": utcnow().isoformat(timespec="seconds") + "Z"}
    if has_request_context():
        rule = request.url_rule.rule if request.url_rule is not None else None
        record.update(ip=request.remote_addr, method=request.method, route=rule)
        user = current_user
        if user and user.is_authenticated:
            record["user_id"] = user.id
    for name, value in fields.items():
        if value is None or any(word in name.lower() for word in SECRET_WORDS):
            continue
        record[name] = value
    log.info(json.dumps(record, ensure_ascii=False, sort_keys=True, default=str),
             extra={"security_event": record})
    return record


class SecurityStreamHandler(logging.StreamHandler):
    """The security log on standard error (this module's own handler)."""


class SecurityFileHandler(logging.handlers.WatchedFileHandler):
    """The security log in a file, reopened when logrotate moves it."""


def init_log(app) -> None:
    """Send the security log where ``SECURITY_LOG`` says: "stderr" (the default), a file
    path, or empty (only the logging set up elsewhere). The records also propagate to the
    root logger, as every logger's do; the handler is added once per process."""
    log.setLevel(logging.INFO)
    target = app.config.get("SECURITY_LOG")
    if not target:
        return
    if target == "stderr":
        if any(isinstance(h, SecurityStreamHandler) for h in log.handlers):
            return
        handler = SecurityStreamHandler(sys.stderr)
    else:
        path = os.path.abspath(target)
        if any(isinstance(h, SecurityFileHandler) and h.baseFilename == path
               for h in log.handlers):
            return
        handler = SecurityFileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)


# ---- the development server answers this computer only (issue 18, 1.9) --------------------

def is_loopback(host: str) -> bool:
    """``host`` (a name or an address, IPv6 in brackets or not) is this computer only."""
    host = (host or "").strip().strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
_FORWARDED_FOR = re.compile(r'for="?\[?([^\]";,]+)', re.IGNORECASE)


def _forwarded_addresses(environ) -> list[str]:
    addresses = []
    for header in FORWARDED_HEADERS:
        value = environ.get(header)
        if not value:
            continue
        if header == "HTTP_FORWARDED":
            addresses += _FORWARDED_FOR.findall(value) or [value]
        else:
            addresses += [part.strip() for part in value.split(",")]
    return addresses


class LocalOnly:
    """WSGI middleware put outermost when DEBUG is on: a request from anywhere but this
    computer (its address, or an address a proxy forwards) gets a plain 403, before the
    Werkzeug debugger or the application see it. Development settings have a public
    SECRET_KEY and the debugger runs code: they must never serve the network, even when
    the server was bound to all addresses by mistake (``flask run --host 0.0.0.0``)."""

    BODY = (b"403 Forbidden: the development server answers this computer only. "
            b"Run the platform with INSPIR_CONFIG=production to serve a network.\n")

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        addresses = [environ.get("REMOTE_ADDR", ""), *_forwarded_addresses(environ)]
        if all(is_loopback(address) for address in addresses):
            return self.app(environ, start_response)
        start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"),
                                         ("Content-Length", str(len(self.BODY)))])
        return [self.BODY]


class KeptSigningSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, the cookie's serializer made once per application and
    keys (Flask builds a new one, with its signer, at each request's opening and saving of
    the session: a fortieth of a signed-in static page), and each cookie read once.

    Checking a cookie's signature and decoding its tagged JSON took 105 µs at every
    signed-in request, for the same cookie request after request. A cookie checked is kept
    (``COOKIES_KEPT``, with the serializer: other keys, other cookies) with the moment it was
    signed and its values, when they are all plain (text, numbers, booleans; a list, a
    flashed message, is read again each time, since the session may change it in place):
    the next request with the very same text gets a new session of the same values, after
    the same check of its age as Flask's (``PERMANENT_SESSION_LIFETIME``). Another text —
    one byte changed — is checked as before."""

    def get_signing_serializer(self, app):
        return self._kept(app)[1]

    def _kept(self, app):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get(SESSION_SERIALIZER)
        if kept is None or kept[0] != keys:
            kept = app.extensions[SESSION_SERIALIZER] = (
                keys, super().get_signing_serializer(app), {})
        return kept

    def open_session(self, app, request):
        _keys, serializer, cookies = self._kept(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        found = cookies.get(value)
        if found is not None:
            signed_at, items = found
            if 0 <= int(time.time()) - signed_at <= max_age:  # itsdangerous's own check
                return self.session_class(items)
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(type(v) in PLAIN for v in data.values()):
            if len(cookies) >= COOKIES_KEPT:
                cookies.clear()
            cookies[value] = (int(signed_at.timestamp()), tuple(data.items()))
        return self.session_class(data)


def csrf_token() -> str:
    """Flask-WTF's ``generate_csrf()``: the session's CSRF token, signed — each session's
    token signed once per process and secret, not at each request.

    Flask-WTF makes a serializer and signs the session's token again for every request
    that shows a form or the header (82 µs, on every signed-in page). The tokens live as
    long as their session (``WTF_CSRF_TIME_LIMIT`` is None): the moment of signing is never
    checked, so a token signed earlier is as valid as a new one, and the token signed once
    is kept (``TOKENS_KEPT``) with the secret it was signed with, then given to the next
    requests of the session before their forms ask for it (:func:`reuse_csrf_token`).
    Where a time limit is set, each request signs its own, as Flask-WTF does."""
    key = _csrf_key()
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    signed = g.get(field)
    if signed is None:
        signed = generate_csrf()
        key = key or _csrf_key()  # (a new session's token: made by generate_csrf)
    if key is not None and key not in _SIGNED_TOKENS:
        if len(_SIGNED_TOKENS) >= TOKENS_KEPT:
            _SIGNED_TOKENS.clear()
        _SIGNED_TOKENS[key] = signed
    return signed


def reuse_csrf_token() -> None:
    """Before a request: the session's CSRF token as it was signed before, where Flask-WTF
    (its forms, made by the views before the page) and :func:`csrf_token` look first."""
    key = _csrf_key()
    signed = _SIGNED_TOKENS.get(key) if key is not None else None
    if signed is not None:
        setattr(g, current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), signed)


def _csrf_key() -> tuple | None:
    """What a signed token is kept under (the secret and the session's own token), or None
    when none may be kept: no token in the session yet, or tokens with a time limit."""
    config = current_app.config
    if config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return None
    raw = session.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if raw is None:
        return None
    return (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw)


TOKENS_KEPT = 8_192  # about 200 bytes each
_SIGNED_TOKENS: dict[tuple, str] = {}


SESSION_SERIALIZER = "inspir.session_serializer"
COOKIES_KEPT = 4_096  # about 500 bytes each
PLAIN = frozenset({str, int, float, bool, type(None)})


def init_app(app) -> None:
    app.session_interface = KeptSigningSessions()
    init_log(app)
    app.after_request(set_security_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):
        def hsts(response):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
            return response

        app.after_request(hsts)
