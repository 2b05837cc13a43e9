"""Settings classes for INS'pir Events, chosen by ``INSPIR_CONFIG``.

``development`` (the default), ``testing`` and ``production``. Environment
variables override the class values (see :func:`load`); the production class
refuses to start without a ``SECRET_KEY``, with ``DEBUG`` on, without a real public
address (``PUBLIC_URL`` or ``SERVER_NAME``, not a placeholder host), or with a
``REGION_SIRET`` that is not a valid SIRET (the open data of granted aid names
the Region by it), nor without an SMTP server, a sender and the public address that
e-mails link to (``MAIL_SERVER``, ``MAIL_DEFAULT_SENDER``, ``PUBLIC_URL``).
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import redis

from config.hosts import is_placeholder_host, public_host
from inspir_events.aid.identifiers import valid_siret
from inspir_events.security import is_loopback

TRUE_WORDS = ("1", "true", "yes", "on")

ENV_OVERRIDES = (
    "DATABASE_URL",
    "DATABASE_POOL_SIZE",
    "DATABASE_MAX_OVERFLOW",
    "SECRET_KEY",
    "REDIS_URL",
    "SERVER_NAME",
    "ALLOWED_ORIGINS",
    "NEEDS_PREMODERATION",
    "BOARD_CACHE_SECONDS",
    "VOTING_BROADCAST",
    "SOCKETIO_CHANNEL",
    "PROXY_FIX_HOPS",
    "REGION_NAME",
    "REGION_SIRET",
    "AID_SCHEME_NAME",
    "ACCESSIBILITY_CONTACT",
    "SECURITY_CONTACT",
    "DELETION_REGISTER_PATH",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "PUBLIC_URL",
    "MAIL_FILE_DIR",
    "HUEY_STORAGE",
    "HUEY_SQLITE_PATH",
    "READ_LIMIT",
    "SECURITY_LOG",
    "MAX_CONTENT_LENGTH",
    "UPLOADS_DIR",
)


log = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """Raised when the settings cannot run the platform safely."""


class Base:
    """Values shared by every environment."""

    NAME = "base"
    DEBUG = False
    TESTING = False
    SECRET_KEY: str | None = None
    # Empty: the factory points SQLite at instance/inspir.db.
    SQLALCHEMY_DATABASE_URI: str | None = None
    # A pooled PostgreSQL connection the server closed is replaced before a request uses
    # it: its socket is checked at every checkout (no round trip), and one idle this many
    # seconds is pinged (database.watch_dropped_connections; None: never checked).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    DATABASE_PING_AFTER_IDLE: float | None = 30.0
    # PostgreSQL's pool of connections per process: kept open up to DATABASE_POOL_SIZE, up
    # to DATABASE_MAX_OVERFLOW more while busy. With SQLAlchemy's 5, eight pages served at
    # once closed a connection at most returns and opened one again (a PostgreSQL backend
    # started each time: 58 in 13 s of a bench, p99 three times p50). Two processes hold
    # at most 2 × (20 + 10) of PostgreSQL's 100 connections.
    DATABASE_POOL_SIZE = 20
    DATABASE_MAX_OVERFLOW = 10
    REDIS_URL: str | None = None
    SERVER_NAME: str | None = None
    # The platform's public address (https://inspir.example.fr, no trailing slash): the
    # links e-mails carry, and the domain of calendar UIDs (with SERVER_NAME as a
    # fallback); required in production.
    PUBLIC_URL: str | None = None
    # Origins allowed to open a Socket.IO connection (never "*").
    ALLOWED_ORIGINS: list[str] = ["http://127.0.0.1:5000", "http://localhost:5000"]

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "inspir_session"
    # "Remember me" keeps the cookie across browser restarts, never past the
    # absolute lifetime of the server-side session.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    # Failed log-ins (inspir_events/limits.py; docs/security.md, « Failed log-ins »). From a
    # browser that never signed in to the account named: per (account, address) pair,
    # per address (a venue's visitors share one), per account from anywhere (over an
    # hour: slow guessing from many addresses). From a known device of that account (its
    # device cookie, LOGIN_DEVICE_LIFETIME): per device only, so a stranger never locks
    # the owner out.
    LOGIN_FAILURES_PER_ACCOUNT_AND_IP = "5 per minute"
    LOGIN_FAILURES_PER_IP = "30 per minute"
    LOGIN_FAILURES_PER_ACCOUNT = "20 per hour"
    LOGIN_FAILURES_PER_DEVICE = "10 per 15 minutes"
    LOGIN_DEVICE_LIFETIME = timedelta(days=365)
    # The other abuse limits (inspir_events/limits.py; docs/operations.md). Sign-ups are
    # counted per address: a venue's visitors at an event share one.
    SIGNUP_LIMIT = "20 per hour"
    # Forms where the password is typed again (password change, account deletion),
    # together, per account.
    CREDENTIAL_CHANGES_LIMIT = "5 per 15 minutes"
    # Costly reads (searches, exports, calendar feeds, the API, statistics), together, per
    # visitor: per account once signed in, per address before. A burst of 20 a second
    # and 600 a minute is far above a person's use, even on a shared address; empty: off.
    READ_LIMIT = "20 per second;600 per minute"
    # Request bodies larger than this are refused (413) before they are read. The
    # largest uploads expected are PDF documents of 10 MB (co-funding applications).
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # Uploaded files (pictures, co-funding documents; inspir_events/uploads): a folder every
    # process serving the platform shares (a mounted volume: docs/deployment.md). Empty:
    # instance/uploads/.
    UPLOADS_DIR: str | None = None
    # Where the security log's JSON lines go (security.py): "stderr", a file path, or
    # empty (only the logging configured elsewhere).
    SECURITY_LOG = "stderr"
    # Need forms sent, per account, whatever their outcome (the needs' own rule
    # is 10 published a day: needs/rules.py).
    NEED_POSTS_LIMIT = "20 per hour"
    REPRODUCTION_REQUESTS_LIMIT = "10 per hour"  # per account
    # Comments posted or edited, and comments reported, per account (issue 20 §1).
    COMMENT_POSTS_LIMIT = "10 per 10 minutes"
    COMMENT_REPORTS_LIMIT = "10 per hour"
    # Pictures and PDFs sent, together, per account (each re-encoded or stored: disk and CPU).
    UPLOADS_LIMIT = "30 per hour"
    # Redis failing at run time: the limits go on, counted in this process's memory
    # (Flask-Limiter checks now and then whether Redis is back). A Redis that does not
    # answer within a second counts as failing: a request never hangs on it.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # The limits' Redis keys start with it (SOCKETIO_CHANNEL when set: one per deployment).
    RATELIMIT_KEY_PREFIX = "inspir-events"
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}

    # argon2id cost (argon2-cffi's RFC 9106 "low memory" profile by default).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    DEMO_ACCOUNTS_ALLOWED = False
    # New needs wait for a moderator's approval when True (post-moderation by default).
    NEEDS_PREMODERATION = False
    NEED_SUPPORTS_LIMIT = "30 per minute"
    FOLLOWS_LIMIT = "30 per minute"  # follow buttons (issue 17 §4), per account
    # Votes cast by form post (the socket handler has its own per-user limit).
    VOTE_HTTP_LIMIT = "5 per second"
    # Seconds a batch of votes waits for more before its transaction (group commit,
    # voting/votes.py); the votes that come while a batch is written join the next anyway.
    # None: by database (PostgreSQL 0.008, SQLite 0.005: votes.LINGER_BY_DATABASE).
    VOTE_BATCH_LINGER_S: float | None = None
    # Seconds an anonymous visitor's board page may be served from cache (0: never).
    BOARD_CACHE_SECONDS = 5
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 5
    CACHE_THRESHOLD = 1000
    # Served by gevent (make run, gunicorn -k gevent); tests use threading.
    SOCKETIO_ASYNC_MODE = "gevent"
    # Each server process runs the live-voting timer (tallies, scheduled rounds); the
    # tests call voting.realtime.broadcast_tick themselves instead.
    VOTING_BROADCAST = True
    # The Redis pub/sub channel of Socket.IO's message queue; live voting's Redis keys
    # start with it too. Deployments sharing one Redis server each need their own.
    SOCKETIO_CHANNEL = "inspir-events"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port headers
    # are trusted (werkzeug's ProxyFix). 0: none, the headers are ignored; behind one nginx: 1.
    # Never more than the real number of proxies, or clients could forge their address.
    PROXY_FIX_HOPS = 0

    # Retention periods of personal data, applied by ``flask purge-expired``
    # (docs/privacy.md justifies each one against the CNIL's guidance).
    RETENTION_INACTIVE_ACCOUNT = timedelta(days=3 * 365)
    RETENTION_READ_NOTIFICATION = timedelta(days=365)
    RETENTION_AUDIT_ENTRY = timedelta(days=5 * 365)
    RETENTION_DELETION_REGISTER = timedelta(days=5 * 365)
    RETENTION_SENT_MAIL = timedelta(days=90)  # messages sent or failed, after their writing
    # A copy of the deleted-accounts register outside the database, replayed by
    # ``flask restore``; empty: instance/deletions.jsonl.
    DELETION_REGISTER_PATH: str | None = None

    # The body granting the aid, as the SCDL "subventions" open data names it
    # (nomAttribuant, idAttribuant) and the programme (dispositifAide). The SIRET is
    # the Région Hauts-de-France's head office (SIREN 200 053 742, NIC 00017, Lille);
    # production refuses a value that is not a valid SIRET (python-stdnum).
    REGION_NAME = "Région Hauts-de-France"
    REGION_SIRET = "20005374200017"
    AID_SCHEME_NAME = "INS'pir - innovation numérique et sociale"
    # Where users report an accessibility problem (the accessibility statement's
    # « Retour d'information et contact »); empty: the Region's postal address only.
    ACCESSIBILITY_CONTACT = ""
    # Where vulnerabilities are reported (docs/security.md, « Reporting a vulnerability »);
    # a placeholder: each deployment sets its own address.
    SECURITY_CONTACT = "securite@inspir.example"

    # ---- outgoing e-mail (inspir_events/mail; docs/deployment.md) ----
    # The SMTP server (Flask-Mailman). Empty: messages are written as .eml files under
    # MAIL_FILE_DIR (development; production refuses to start without a server).
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS (usually port 587)
    MAIL_USE_SSL = False  # implicit TLS (usually port 465)
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER: str | None = None
    MAIL_TIMEOUT = 30  # seconds an SMTP conversation may hang before it counts as failed
    MAIL_BACKEND = "smtp"  # Flask-Mailman's backend when MAIL_SERVER is set
    # Where development writes the .eml files; empty: instance/mail/.
    MAIL_FILE_DIR: str | None = None
    # Delivery: attempts before a message is "failed" (shown at /admin/mail), the first
    # retry's delay (doubled at each attempt) and the longest one, in seconds.
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_DELAY = 60.0
    MAIL_RETRY_MAX_DELAY = 3600.0
    # A message claimed by a worker that died is given back after this many seconds (it
    # must exceed MAIL_TIMEOUT: a living worker finishes its message well before).
    MAIL_CLAIM_TIMEOUT = 600.0
    # Messages one delivery task sends over one SMTP connection.
    MAIL_BATCH = 50
    # The periodic sweep queues pending messages older than this many seconds (younger
    # ones had their delivery queued at their commit).
    MAIL_SWEEP_GRACE = 60.0
    # The task engine (Huey): "sqlite" (a file under instance/, the embedded default),
    # "redis" (REDIS_URL; chosen whenever it is set) or "memory" (one process: tests).
    HUEY_STORAGE: str | None = None
    HUEY_SQLITE_PATH: str | None = None  # empty: instance/huey.db
    HUEY_NAME = "inspir-events"
    # How long a link to confirm an address stays valid, and how often one may ask again.
    EMAIL_VERIFICATION_MAX_AGE = timedelta(days=2)
    VERIFICATION_RESEND_LIMIT = "3 per 15 minutes"  # per account
    # Password reset: the link's lifetime, and requests per address asked and per client.
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    RESET_REQUESTS_PER_EMAIL = "3 per hour"
    RESET_REQUESTS_PER_IP = "10 per hour"
    # How long an event ticket's QR code is accepted at the door after it was made.
    TICKET_MAX_AGE = timedelta(days=400)


class Development(Base):
    NAME = "development"
    DEBUG = True
    SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - development only, refused in production
    DEMO_ACCOUNTS_ALLOWED = True
    MAIL_DEFAULT_SENDER = "INS'pir Events <ne-pas-repondre@localhost>"
    PUBLIC_URL = "http://127.0.0.1:5000"


class Testing(Base):
    NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105 - tests only
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    DEMO_ACCOUNTS_ALLOWED = True
    ALLOWED_ORIGINS = ["http://localhost"]
    SOCKETIO_ASYNC_MODE = "threading"
    VOTING_BROADCAST = False
    BOARD_CACHE_SECONDS = 0  # tests see every change at once; test_cache turns it on
    VOTE_HTTP_LIMIT = "100 per second"  # tests post quickly; test_limits sets the real one
    MAIL_DEFAULT_SENDER = "INS'pir Events <ne-pas-repondre@inspir.test>"
    PUBLIC_URL = "http://localhost"
    # Tasks wait in this process's memory: nothing runs unless a test starts a worker.
    HUEY_STORAGE = "memory"
    READ_LIMIT = ""  # tests and benches read quickly; test_limits turns it on
    SECURITY_LOG = ""  # tests capture the records (caplog)


class Production(Base):
    NAME = "production"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


def validate(settings) -> None:
    """Refuse settings that would run the platform unsafely (production), or that
    contradict each other (anywhere)."""
    if settings.get("MAIL_USE_TLS") and settings.get("MAIL_USE_SSL"):
        raise ConfigError(
            "MAIL_USE_TLS and MAIL_USE_SSL are both on: choose one (STARTTLS on port 587 "
            "is MAIL_USE_TLS; implicit TLS on port 465 is MAIL_USE_SSL).")
    if settings.get("HUEY_STORAGE") not in (None, "", "sqlite", "redis", "memory"):
        raise ConfigError("HUEY_STORAGE must be sqlite, redis or memory.")
    if settings.get("NAME") == "production":
        if not settings.get("SECRET_KEY"):
            raise ConfigError(
                "SECRET_KEY is not set: production refuses to start without it. "
                "Set the SECRET_KEY environment variable to a long random value "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if settings.get("DEBUG"):
            raise ConfigError(
                "DEBUG is on: production refuses to start in debug mode "
                "(the debugger would expose the server). Unset FLASK_DEBUG."
            )
        host = public_host(settings)
        if host is None or is_placeholder_host(host):
            raise ConfigError(
                f"PUBLIC_URL is {settings.get('PUBLIC_URL')!r} and SERVER_NAME "
                f"{settings.get('SERVER_NAME')!r}: production needs the platform's real public "
                "address (calendar UIDs and links are made of it). Set the PUBLIC_URL "
                "environment variable, e.g. PUBLIC_URL=https://inspir.hautsdefrance.fr."
            )
        if not valid_siret(settings.get("REGION_SIRET")):
            raise ConfigError(
                "REGION_SIRET is not a valid SIRET (14 digits, a valid SIREN and key): "
                "the open data of granted aid names the Region by it. Set the "
                "REGION_SIRET environment variable to the Region's SIRET, without spaces."
            )
        _validate_mail(settings)


def _validate_mail(settings) -> None:
    """Production sends real e-mail: an SMTP server, a sender and the public address."""
    missing = [name for name in ("MAIL_SERVER", "MAIL_DEFAULT_SENDER", "PUBLIC_URL")
               if not settings.get(name)]
    if missing:
        raise ConfigError(
            f"{', '.join(missing)} not set: production refuses to start without an SMTP "
            "server (MAIL_SERVER, MAIL_PORT...), the sender of its e-mails "
            "(MAIL_DEFAULT_SENDER, e.g. \"INS'pir <ne-pas-repondre@example.fr>\") and the "
            "public address its links point to (PUBLIC_URL, e.g. https://inspir.example.fr)."
        )
    if not settings["PUBLIC_URL"].startswith("https://"):
        raise ConfigError("PUBLIC_URL must start with https:// in production (links in "
                          "e-mails carry secrets: password resets, confirmations).")


def check_bind(settings, host: str) -> None:
    """Refuse to serve development settings beyond this computer (issue 18, 1.9).

    ``INSPIR_CONFIG`` forgotten means the development settings: a public SECRET_KEY and
    the Werkzeug debugger, which runs code. ``python wsgi.py`` (``make run``) then binds
    loopback addresses only; the application also answers only this computer in debug
    mode whatever serves it (security.LocalOnly).
    """
    if (settings.get("NAME") == "development" or settings.get("DEBUG")) \
            and not is_loopback(host):
        raise ConfigError(
            f"HOST={host!r}: the development settings (a public SECRET_KEY, the debugger) "
            "serve only this computer: use HOST=127.0.0.1 (the default), or set "
            "INSPIR_CONFIG=production with its SECRET_KEY to serve a network."
        )


def redis_problem(url: str) -> str | None:
    """Why Redis at ``url`` does not answer a PING within a second, or None."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return str(exc) or type(exc).__name__
    finally:
        client.close()
    return None


def redacted(url: str) -> str:
    """``url`` without its password, for the logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def run_alone_without_redis(settings) -> None:
    """When REDIS_URL is set but Redis does not answer at start, run as one process.

    Issue 10 (Faults): the single-process path keeps working and says so in the log.
    Socket.IO then runs without its message queue, the rate limits and the page
    cache live in this process's memory; several processes would no longer share
    rooms or counts, so run one until Redis is back, then restart them all
    (docs/operations.md).
    """
    url = settings.get("REDIS_URL")
    problem = redis_problem(url) if url else None
    if problem is None:
        return
    log.warning("Redis at %s does not answer (%s): this process runs alone, without "
                "Redis: Socket.IO has no message queue, rate limits and page caches are "
                "kept in its memory. Run a single process until Redis is back, then "
                "restart.", redacted(url), problem)
    settings["REDIS_URL"] = None
    if settings.get("RATELIMIT_STORAGE_URI") == url:
        settings["RATELIMIT_STORAGE_URI"] = "memory://"
    if settings.get("CACHE_REDIS_URL") == url:
        settings["CACHE_TYPE"] = "SimpleCache"
        settings["CACHE_REDIS_URL"] = None


CONFIGS: dict[str, type[Base]] = {
    "development": Development,
    "testing": Testing,
    "production": Production,
}


def load(name: str | None = None, environ: os._Environ | dict | None = None) -> Base:
    """Build the settings object for ``name`` (or ``INSPIR_CONFIG``) with env overrides."""
    environ = os.environ if environ is None else environ
    name = (name or environ.get("INSPIR_CONFIG") or "development").lower()
    try:
        settings = CONFIGS[name]()
    except KeyError:
        raise ConfigError(
            f"INSPIR_CONFIG={name!r} is unknown; choose one of {', '.join(CONFIGS)}."
        ) from None
    if environ.get("DATABASE_URL"):
        settings.SQLALCHEMY_DATABASE_URI = normalise_database_url(environ["DATABASE_URL"])
    if environ.get("SECRET_KEY"):
        settings.SECRET_KEY = environ["SECRET_KEY"]
    if environ.get("REDIS_URL"):
        settings.REDIS_URL = environ["REDIS_URL"]
        settings.RATELIMIT_STORAGE_URI = environ["REDIS_URL"]
        settings.CACHE_TYPE = "RedisCache"
        settings.CACHE_REDIS_URL = environ["REDIS_URL"]
    if environ.get("SERVER_NAME"):
        settings.SERVER_NAME = environ["SERVER_NAME"]
        scheme = "https" if settings.SESSION_COOKIE_SECURE else "http"
        settings.ALLOWED_ORIGINS = [f"{scheme}://{environ['SERVER_NAME']}"]
        if not environ.get("PUBLIC_URL"):  # the public address, unless given apart
            settings.PUBLIC_URL = f"{scheme}://{environ['SERVER_NAME']}"
    if environ.get("ALLOWED_ORIGINS"):
        settings.ALLOWED_ORIGINS = [
            o.strip() for o in environ["ALLOWED_ORIGINS"].split(",") if o.strip()
        ]
    if environ.get("BOARD_CACHE_SECONDS"):
        settings.BOARD_CACHE_SECONDS = int(environ["BOARD_CACHE_SECONDS"])
    if environ.get("VOTING_BROADCAST"):
        settings.VOTING_BROADCAST = environ["VOTING_BROADCAST"].lower() in TRUE_WORDS
    if environ.get("SOCKETIO_CHANNEL"):
        settings.SOCKETIO_CHANNEL = environ["SOCKETIO_CHANNEL"]
        settings.RATELIMIT_KEY_PREFIX = environ["SOCKETIO_CHANNEL"]
    if environ.get("VOTE_BATCH_LINGER_S"):
        settings.VOTE_BATCH_LINGER_S = float(environ["VOTE_BATCH_LINGER_S"])
    if environ.get("DATABASE_PING_AFTER_IDLE"):
        value = environ["DATABASE_PING_AFTER_IDLE"].strip().lower()
        settings.DATABASE_PING_AFTER_IDLE = None if value in ("none", "off") else float(value)
    for name in ("DATABASE_POOL_SIZE", "DATABASE_MAX_OVERFLOW"):
        if environ.get(name):
            setattr(settings, name, int(environ[name]))
    if environ.get("PROXY_FIX_HOPS"):
        settings.PROXY_FIX_HOPS = int(environ["PROXY_FIX_HOPS"])
    if environ.get("NEEDS_PREMODERATION"):
        settings.NEEDS_PREMODERATION = environ["NEEDS_PREMODERATION"].lower() in TRUE_WORDS
    for name in ("REGION_NAME", "REGION_SIRET", "AID_SCHEME_NAME", "ACCESSIBILITY_CONTACT",
                 "SECURITY_CONTACT", "DELETION_REGISTER_PATH", "MAIL_SERVER", "MAIL_USERNAME",
                 "MAIL_DEFAULT_SENDER", "MAIL_FILE_DIR", "HUEY_STORAGE", "HUEY_SQLITE_PATH",
                 "UPLOADS_DIR"):
        if environ.get(name):
            setattr(settings, name, environ[name].strip())
    if environ.get("MAIL_PASSWORD"):
        settings.MAIL_PASSWORD = environ["MAIL_PASSWORD"]  # kept as typed (may end in a space)
    if environ.get("MAIL_PORT"):
        settings.MAIL_PORT = int(environ["MAIL_PORT"])
    for name in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        if environ.get(name):
            setattr(settings, name, environ[name].lower() in TRUE_WORDS)
    if environ.get("PUBLIC_URL"):
        settings.PUBLIC_URL = environ["PUBLIC_URL"].strip().rstrip("/")
    # Set, even empty (empty: the read limit off, the security log left to the logging).
    for name in ("READ_LIMIT", "SECURITY_LOG"):
        if name in environ:
            setattr(settings, name, environ[name].strip())
    if environ.get("MAX_CONTENT_LENGTH"):
        settings.MAX_CONTENT_LENGTH = int(environ["MAX_CONTENT_LENGTH"])
    if environ.get("FLASK_DEBUG", "").lower() in TRUE_WORDS:
        settings.DEBUG = True
    return settings


def normalise_database_url(url: str) -> str:
    """Let ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
