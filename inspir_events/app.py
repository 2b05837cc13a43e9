"""INS'pir Events: the application factory.

``create_app(config=None)`` builds the Flask application: settings from
``config/`` (``INSPIR_CONFIG``, environment overrides), extensions from
:mod:`inspir_events.extensions`, blueprints from :data:`BLUEPRINTS`. It never
touches the database schema: ``flask db upgrade`` is a deploy step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

from flask import Flask, current_app, g, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

import config as settings_module
from inspir_events import errors, limits, models, security  # noqa: F401  (models: all tables)
from inspir_events.accounts import services as account_services
from inspir_events.accounts.blueprint import audit_bp
from inspir_events.accounts.blueprint import bp as accounts_bp
from inspir_events.accounts.forms import ROLE_LABELS
from inspir_events.accounts.models import Role
from inspir_events.accounts.permissions import send_to_login
from inspir_events.aid.cofunding import decisions as cofunding_decisions
from inspir_events.aid.cofunding.decisions import DELEGATED_ENVELOPES
from inspir_events.aid.views import bp as aid_bp
from inspir_events.api.blueprint import bp as api_bp
from inspir_events.cli import register_commands
from inspir_events.database import (
    end_reads,
    watch_dropped_connections,
    writes,
)
from inspir_events.discussions.blueprint import bp as discussions_bp
from inspir_events.events.blueprint import bp as events_bp
from inspir_events.extensions import (
    babel,
    cache,
    csrf,
    db,
    limiter,
    login_manager,
    mailman,
    migrate,
    socketio,
)
from inspir_events.follows.blueprint import bp as follows_bp
from inspir_events.i18n import (
    current_language,
    format_cents,
    install_date_filters,
    install_template_gettext,
    localized,
    select_locale,
)
from inspir_events.labels.blueprint import bp as labels_bp
from inspir_events.mail import tasks as mail_tasks
from inspir_events.mail.blueprint import bp as mail_bp
from inspir_events.main.blueprint import bp as main_bp
from inspir_events.needs.blueprint import bp as needs_bp
from inspir_events.notifications.blueprint import bp as notifications_bp
from inspir_events.notifications.services import UNREAD_COUNT
from inspir_events.pictures.blueprint import bp as pictures_bp
from inspir_events.recusal.blueprint import bp as recusal_bp
from inspir_events.reference.blueprint import bp as territories_bp
from inspir_events.reference.options import options as reference_options
from inspir_events.search.blueprint import bp as search_bp
from inspir_events.search.models import include_in_comparison as search_objects_compared
from inspir_events.stats import evaluation as stats_evaluation
from inspir_events.stats.blueprint import bp as stats_bp
from inspir_events.store import queries as store_queries
from inspir_events.store.blueprint import bp as store_bp
from inspir_events.teams.blueprint import bp as teams_bp
from inspir_events.templating import LocalizedEnvironment
from inspir_events.uploads.blueprint import bp as uploads_bp
from inspir_events.urls import IdConverter, remembered_url_for
from inspir_events.voting.blueprint import bp as voting_bp

# Every blueprint of the platform, registered in this order.
BLUEPRINTS = (main_bp, accounts_bp, needs_bp, events_bp, labels_bp, notifications_bp,
              teams_bp, voting_bp, aid_bp, store_bp, stats_bp, api_bp, audit_bp, recusal_bp,
              mail_bp, follows_bp, discussions_bp, uploads_bp, pictures_bp, search_bp,
              territories_bp)

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Without PUBLIC_URL or SERVER_NAME (development, tests) calendar UIDs end with it.
DEVELOPMENT_UID_DOMAIN = "inspir-events"


def _uid_domain(config) -> str:
    """The domain of calendar UIDs: the public host; in development and tests, whose public
    address is this computer (a placeholder production refuses), a fixed name."""
    host = settings_module.public_host(config)
    if host and not settings_module.is_placeholder_host(host):
        return host
    return DEVELOPMENT_UID_DOMAIN


def create_app(config: str | settings_module.Base | Mapping | None = None) -> Flask:
    """Build the application.

    ``config`` is a settings name ("development", "testing", "production"), a
    settings object, or a mapping of overrides applied on top of the settings
    chosen by ``INSPIR_CONFIG`` (as flaskr's ``test_config``).
    """
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=os.path.join(PROJECT_ROOT, "instance"),
    )
    # Templates compiled per language, their constant texts translated once (templating.py).
    app.jinja_environment = LocalizedEnvironment
    # JSON answers are the same bytes in every configuration (Flask indents them in debug,
    # through the pure-Python encoder: a third of an API page's time in development).
    app.json.compact = True
    if isinstance(config, settings_module.Base):
        settings = config
    else:
        settings = settings_module.load(config if isinstance(config, str) else None)
    app.config.from_object(settings)
    if isinstance(config, Mapping):
        app.config.update(config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "inspir.db"
        )
    settings_module.validate(app.config)
    # The domain of calendar UIDs: the public host (production has a real one, validate).
    app.config.setdefault("UID_DOMAIN", _uid_domain(app.config))
    # Redis named but not answering: run as one process, and say so in the log.
    settings_module.run_alone_without_redis(app.config)

    _init_extensions(app)
    _trust_proxies(app)
    if app.debug:  # outermost: before the proxy headers, Socket.IO and the debugger
        app.wsgi_app = security.LocalOnly(app.wsgi_app)
    app.url_map.converters["int"] = IdConverter  # before the routes are added
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # The statistics and the store know nothing of each other: the store's count is handed
    # to the programme's evaluation here.
    stats_evaluation.provide_reproductions(app, store_queries.reproductions_between)
    errors.init_app(app)
    limits.init_app(app)
    security.init_app(app)
    register_commands(app)
    _init_templates(app)
    return app


def _init_extensions(app: Flask) -> None:
    if str(app.config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("postgresql"):
        # Sized for a gevent process's concurrent pages (config.Base.DATABASE_POOL_SIZE).
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(
            app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_size", app.config["DATABASE_POOL_SIZE"])
        options.setdefault("max_overflow", app.config["DATABASE_MAX_OVERFLOW"])
    db.init_app(app)
    ping_after_idle = app.config.get("DATABASE_PING_AFTER_IDLE")
    if ping_after_idle is not None:  # pooled connections the server closed are replaced
        with app.app_context():
            for engine in db.engines.values():
                watch_dropped_connections(engine, float(ping_after_idle))
    # After Flask-SQLAlchemy's teardown, so run before it (Flask runs them in reverse):
    # a page's reads end by COMMIT on PostgreSQL (database.end_reads).
    app.teardown_appcontext(end_reads)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"),
                     render_as_batch=True, compare_type=True,
                     # The search engines' own objects (FTS5 table, tsvector column) are
                     # not described by the models: autogenerate leaves them alone.
                     include_object=search_objects_compared)
    csrf.init_app(app)
    # The templates' csrf_token(): each session's token signed once (Flask-WTF's global
    # signs it again at every page), and given to each request before its forms ask.
    app.jinja_env.globals["csrf_token"] = security.csrf_token
    app.before_request(security.reuse_csrf_token)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    app.config.setdefault("RATELIMIT_ENABLED", True)
    # Runs after Flask-Limiter's own after-request function, which sets Retry-After again.
    app.after_request(limits.keep_retry_after)
    limiter.init_app(app)
    cache.init_app(app)
    mailman.init_app(app)
    mail_tasks.init_app(app)  # the task engine (Huey) and the mail worker's tasks
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.unauthorized_handler(send_to_login)
    login_manager.session_protection = None  # sessions are ended server-side instead
    login_manager.user_loader(_load_user)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config.get("REDIS_URL"),
        channel=app.config.get("SOCKETIO_CHANNEL", "flask-socketio"),
        cors_allowed_origins=app.config["ALLOWED_ORIGINS"],
        manage_session=False,
    )


def _trust_proxies(app: Flask) -> None:
    """Behind ``PROXY_FIX_HOPS`` reverse proxies, take the client's address, scheme, host
    and port from their X-Forwarded-* headers (rate limits, secure URLs, logs).

    Wraps Socket.IO's middleware too (init_app put it on ``app.wsgi_app``), so socket
    handlers see the same ``request.remote_addr``.
    """
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops < 0:
        raise settings_module.ConfigError("PROXY_FIX_HOPS must be 0 or more.")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops)


class HeaderFacts(NamedTuple):
    unread: int  # unread notifications
    reviews: bool  # sees the co-funding applications' queue


NOBODY = HeaderFacts(0, False)
# The signed-in header's facts, read by one statement (two before, on every page)...
HEADER_FACTS = select(UNREAD_COUNT.scalar_subquery(), DELEGATED_ENVELOPES.exists())
# ... and read with the session and its user, as the page's user is loaded: one statement
# fewer on every signed-in page (a round trip on PostgreSQL).
SESSION_WITH_HEADER_FACTS = account_services.session_statement(
    account_services.with_session_user(UNREAD_COUNT).scalar_subquery(),
    account_services.with_session_user(DELEGATED_ENVELOPES).exists())
HEADER_FACTS_READ = "inspir_header_facts"  # flask.g: (writes() when read, unread, delegated)


def _load_user(token: str):
    """Flask-Login's loader: the session's user, with the header's facts read beside it."""
    user = account_services.load_session(token, SESSION_WITH_HEADER_FACTS)
    if user is not None:
        setattr(g, HEADER_FACTS_READ, (writes(), *user.session_columns))
    return user


def _header_facts() -> HeaderFacts:
    """The header's unread count and co-funding link (only for signed-in users): as read
    with the session, unless the request began a write since (marking notifications
    read, say), when they are read again."""
    if not current_user.is_authenticated:
        return NOBODY
    read = g.get(HEADER_FACTS_READ)
    if read is not None and read[0] == writes():
        unread, delegated = read[1:]
    else:
        unread, delegated = db.session.execute(HEADER_FACTS,
                                               {"user_id": current_user.id}).one()
    return HeaderFacts(unread, cofunding_decisions.reviews(current_user, bool(delegated)))


class HeaderAccount(NamedTuple):
    """What the site's header shows of the signed-in account."""

    name: str
    committee: bool
    admin: bool
    unread: int  # unread notifications
    reviews: bool  # sees the co-funding applications' queue


HEADER_CSRF_SLOT = "\x00csrf\x00"  # where each page's copy takes its CSRF token
HEADER_NEXT_SLOT = "\x00next\x00"  # ... and the address the language switch returns to
HEADERS_KEPT = 2_048  # about 4 KB each


def _site_header() -> Markup:
    """The site's header (templates/_header.html) for this request: rendered once for
    everything it shows (``_rendered_header``'s arguments), then its copy given this
    request's CSRF token and address.

    Rendering it — twenty links, as many translations, the account's menu — was about a
    tenth of a signed-in page whose content is small. A name, role, count or language
    changed is another key, never a stale header."""
    account = None
    if current_user.is_authenticated:
        facts = _header_facts()
        account = HeaderAccount(current_user.display_name, current_user.has_role(Role.COMMITTEE),
                                current_user.is_admin, facts.unread, facts.reviews)
    html = _rendered_header(current_language(), tuple(current_app.config["LANGUAGES"]),
                            request.script_root, request.endpoint, request.blueprint, account)
    # The token is URL-safe text (itsdangerous); the address is escaped as Jinja would.
    html = html.replace(HEADER_CSRF_SLOT, security.csrf_token()).replace(
        HEADER_NEXT_SLOT, escape(request.full_path.rstrip("?")))
    return Markup(html)  # noqa: S704  # nosec B704 # our own autoescaped template


@lru_cache(maxsize=HEADERS_KEPT)
def _rendered_header(language: str, languages: tuple[str, ...], script_root: str,
                     endpoint: str | None, blueprint: str | None,
                     account: HeaderAccount | None) -> str:
    """The header's HTML with the request's slots (rendered in the request, whose
    language and address root are in the key)."""
    return render_template("_header.html", language=language, languages=languages,
                           endpoint=endpoint, blueprint=blueprint, account=account,
                           csrf_slot=HEADER_CSRF_SLOT, next_slot=HEADER_NEXT_SLOT)


def _init_templates(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    install_template_gettext(app.jinja_env)  # after Flask-Babel's (babel.init_app)
    install_date_filters(app.jinja_env)  # (the same)
    # Same URLs as Flask's url_for, each built once per process (see remembered_url_for).
    app.jinja_env.globals["url_for"] = remembered_url_for
    app.jinja_env.filters["money"] = format_cents
    # The filters' options of the reference lists, built once per language.
    app.jinja_env.globals["reference_options"] = reference_options

    # The layout's helpers, the same for every page: globals, which a macro imported without
    # the page's context sees too (a context processor gave them to each template rendered,
    # and a macro using them had to be imported "with context": its module made again at
    # each page, a tenth of an event page's template). The signed-in account, a proxy to
    # the request's, is one of them for the same reason.
    app.jinja_env.globals.update({
        "current_language": current_language,
        "localized": localized,
        "languages": app.config["LANGUAGES"],
        "locale": get_locale,
        "request_path": lambda: request.full_path.rstrip("?"),
        "role_labels": ROLE_LABELS,
        "site_header": _site_header,
        "current_user": current_user,
    })
