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

from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

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
    the session: a fortieth of a signed-in static page)."""

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get(SESSION_SERIALIZER)
        if kept is None or kept[0] != keys:
            kept = app.extensions[SESSION_SERIALIZER] = (keys,
                                                          super().get_signing_serializer(app))
        return kept[1]


SESSION_SERIALIZER = "inspir.session_serializer"


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
