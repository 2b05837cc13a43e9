"""Settings classes for INS'pir Events, chosen by ``INSPIR_CONFIG``.

``development`` (the default), ``testing`` and ``production``. Environment
variables override the class values (see :func:`load`); the production class
refuses to start without a ``SECRET_KEY``, with ``DEBUG`` on, or with a
``REGION_SIRET`` that is not a valid SIRET (the open data of granted aid names
the Region by it).
"""

from __future__ import annotations

import os
from datetime import timedelta

from inspir_events.aid.pipeline import valid_siret

TRUE_WORDS = ("1", "true", "yes", "on")

ENV_OVERRIDES = (
    "DATABASE_URL",
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
)


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
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL: str | None = None
    SERVER_NAME: str | None = None
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
    # Failed log-in attempts per minute, per account and per address.
    LOGIN_FAILURES_PER_ACCOUNT = "5 per minute"
    LOGIN_FAILURES_PER_IP = "30 per minute"

    # argon2id cost (argon2-cffi's RFC 9106 "low memory" profile by default).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    DEMO_ACCOUNTS_ALLOWED = False
    # New needs wait for a moderator's approval when True (post-moderation by default).
    NEEDS_PREMODERATION = False
    NEED_SUPPORTS_LIMIT = "30 per minute"
    # Votes cast by form post (the socket handler has its own per-user limit).
    VOTE_HTTP_LIMIT = "5 per second"
    # Seconds an anonymous visitor's board page may be served from cache (0: never).
    BOARD_CACHE_SECONDS = 5
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 5
    CACHE_THRESHOLD = 1000
    # Served by gevent (make run, gunicorn -k gevent); tests use threading.
    SOCKETIO_ASYNC_MODE = "gevent"
    # Each server process runs the live-voting timer (tallies, scheduled rounds); the
    # tests call voting.events.broadcast_tick themselves instead.
    VOTING_BROADCAST = True
    # The Redis pub/sub channel of Socket.IO's message queue; live voting's Redis keys
    # start with it too. Deployments sharing one Redis server each need their own.
    SOCKETIO_CHANNEL = "inspir-events"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port headers
    # are trusted (werkzeug's ProxyFix). 0: none, the headers are ignored; behind one nginx: 1.
    # Never more than the real number of proxies, or clients could forge their address.
    PROXY_FIX_HOPS = 0

    # The body granting the aid, as the SCDL "subventions" open data names it
    # (nomAttribuant, idAttribuant) and the programme (dispositifAide). The SIRET is
    # the Région Hauts-de-France's head office (SIREN 200 053 742, NIC 00017, Lille);
    # production refuses a value that is not 14 digits with a valid Luhn key.
    REGION_NAME = "Région Hauts-de-France"
    REGION_SIRET = "20005374200017"
    AID_SCHEME_NAME = "INS'pir - innovation numérique et sociale"


class Development(Base):
    NAME = "development"
    DEBUG = True
    SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - development only, refused in production
    DEMO_ACCOUNTS_ALLOWED = True


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


class Production(Base):
    NAME = "production"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


def validate(settings) -> None:
    """Refuse settings that would run the platform unsafely (production only)."""
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
        if not valid_siret(settings.get("REGION_SIRET")):
            raise ConfigError(
                "REGION_SIRET is not a valid SIRET (14 digits with a valid Luhn key): "
                "the open data of granted aid names the Region by it. Set the "
                "REGION_SIRET environment variable to the Region's SIRET, without spaces."
            )


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
    if environ.get("PROXY_FIX_HOPS"):
        settings.PROXY_FIX_HOPS = int(environ["PROXY_FIX_HOPS"])
    if environ.get("NEEDS_PREMODERATION"):
        settings.NEEDS_PREMODERATION = environ["NEEDS_PREMODERATION"].lower() in TRUE_WORDS
    for name in ("REGION_NAME", "REGION_SIRET", "AID_SCHEME_NAME"):
        if environ.get(name):
            setattr(settings, name, environ[name].strip())
    if environ.get("FLASK_DEBUG", "").lower() in TRUE_WORDS:
        settings.DEBUG = True
    return settings


def normalise_database_url(url: str) -> str:
    """Let ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
