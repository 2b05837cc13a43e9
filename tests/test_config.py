"""Settings: the class chosen by INSPIR_CONFIG, environment overrides, production guards,
and what the application factory does (and does not do) with them."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Config
from sqlalchemy import inspect

import config
from inspir_events import app as app_module
from inspir_events.app import create_app
from inspir_events.extensions import db

ROOT = Path(__file__).resolve().parent.parent
SECRET = "a-long-random-production-secret-for-tests"  # noqa: S105
# What production needs to send e-mail (it refuses to start without).
MAIL = {"MAIL_SERVER": "smtp.inspir.example",
        "MAIL_DEFAULT_SENDER": "INS'pir <ne-pas-repondre@inspir.example>",
        "PUBLIC_URL": "https://inspir.hautsdefrance.fr"}
PUBLIC_URL = MAIL["PUBLIC_URL"]


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No override from the machine's environment; a throw-away SQLite file."""
    for name in (*config.ENV_OVERRIDES, "FLASK_DEBUG", "INSPIR_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'config.db'}")
    return monkeypatch


def dispose(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- choosing the class ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("development", config.Development),
        ("testing", config.Testing),
        ("production", config.Production),
        ("PRODUCTION", config.Production),
    ],
)
def test_inspir_config_picks_the_class(name, cls):
    settings = config.load(environ={"INSPIR_CONFIG": name, "SECRET_KEY": SECRET})
    assert type(settings) is cls
    assert settings.NAME == cls.NAME


def test_development_is_the_default():
    assert type(config.load(environ={})) is config.Development


def test_an_explicit_name_wins_over_inspir_config():
    settings = config.load("testing", environ={"INSPIR_CONFIG": "production"})
    assert type(settings) is config.Testing


def test_create_app_follows_inspir_config(clean_env):
    clean_env.setenv("INSPIR_CONFIG", "development")
    app = create_app()
    assert app.config["NAME"] == "development"
    assert app.debug is True
    assert app.config["DEMO_ACCOUNTS_ALLOWED"] is True
    dispose(app)

    clean_env.setenv("INSPIR_CONFIG", "testing")
    app = create_app()
    assert app.config["NAME"] == "testing"
    assert app.testing is True
    dispose(app)


def test_an_unknown_name_is_a_clear_error(clean_env):
    with pytest.raises(config.ConfigError) as excinfo:
        config.load(environ={"INSPIR_CONFIG": "staging"})
    message = str(excinfo.value)
    assert "staging" in message
    for known in ("development", "testing", "production"):
        assert known in message

    clean_env.setenv("INSPIR_CONFIG", "prod")
    with pytest.raises(config.ConfigError, match="'prod' is unknown"):
        create_app()


# --- production guards -----------------------------------------------------------------------

def test_production_refuses_to_start_without_a_secret_key(clean_env):
    with pytest.raises(config.ConfigError, match="SECRET_KEY is not set"):
        create_app("production")

    clean_env.setenv("INSPIR_CONFIG", "production")
    with pytest.raises(config.ConfigError, match="SECRET_KEY is not set"):
        create_app()
    with pytest.raises(config.ConfigError, match="SECRET_KEY is not set"):
        create_app({"SECRET_KEY": ""})


def as_flask_config(settings) -> Config:
    flask_config = Config(str(ROOT))
    flask_config.from_object(settings)
    return flask_config


def test_load_and_validate_with_a_custom_environ():
    without_secret = config.load(environ={"INSPIR_CONFIG": "production"})
    with pytest.raises(config.ConfigError, match="production refuses to start without it"):
        config.validate(as_flask_config(without_secret))

    debug = config.load(environ={"INSPIR_CONFIG": "production", "SECRET_KEY": SECRET,
                                 "FLASK_DEBUG": "true", "PUBLIC_URL": PUBLIC_URL})
    assert debug.DEBUG is True
    with pytest.raises(config.ConfigError, match="DEBUG is on"):
        config.validate(as_flask_config(debug))

    fine = config.load(environ={"INSPIR_CONFIG": "production", "SECRET_KEY": SECRET, **MAIL})
    config.validate(as_flask_config(fine))  # no error
    assert fine.DEBUG is False


@pytest.mark.parametrize("missing", sorted(MAIL))
def test_production_refuses_to_start_without_a_way_to_send_email(clean_env, missing):
    clean_env.setenv("SECRET_KEY", SECRET)
    for name, value in MAIL.items():
        if name != missing:
            clean_env.setenv(name, value)
    with pytest.raises(config.ConfigError, match=rf"^{missing}\b.*production"):
        create_app("production")


def test_production_links_are_https(clean_env):
    clean_env.setenv("SECRET_KEY", SECRET)
    for name, value in MAIL.items():
        clean_env.setenv(name, value)
    clean_env.setenv("PUBLIC_URL", "http://inspir.hautsdefrance.fr")
    with pytest.raises(config.ConfigError, match="PUBLIC_URL must start with https://"):
        create_app("production")


def test_starttls_and_implicit_tls_exclude_each_other(clean_env):
    clean_env.setenv("MAIL_USE_TLS", "1")
    clean_env.setenv("MAIL_USE_SSL", "true")
    with pytest.raises(config.ConfigError, match="MAIL_USE_TLS and MAIL_USE_SSL"):
        create_app("development")


def test_mail_settings_come_from_the_environment():
    settings = config.load("production", environ={
        "MAIL_SERVER": " smtp.example.fr ", "MAIL_PORT": "587", "MAIL_USE_TLS": "yes",
        "MAIL_USE_SSL": "0", "MAIL_USERNAME": "inspir", "MAIL_PASSWORD": "s3cret ",
        "MAIL_DEFAULT_SENDER": "INS'pir <ne-pas-repondre@example.fr>",
        "PUBLIC_URL": "https://inspir.example.fr/", "HUEY_STORAGE": "redis"})
    assert (settings.MAIL_SERVER, settings.MAIL_PORT) == ("smtp.example.fr", 587)
    assert (settings.MAIL_USE_TLS, settings.MAIL_USE_SSL) == (True, False)
    assert (settings.MAIL_USERNAME, settings.MAIL_PASSWORD) == ("inspir", "s3cret ")
    assert settings.MAIL_DEFAULT_SENDER == "INS'pir <ne-pas-repondre@example.fr>"
    assert settings.PUBLIC_URL == "https://inspir.example.fr"  # without the trailing slash
    assert settings.HUEY_STORAGE == "redis"


def test_development_writes_email_to_files_and_links_to_the_local_server():
    settings = config.load("development", environ={})
    assert settings.MAIL_SERVER is None  # .eml files under instance/mail/
    assert settings.PUBLIC_URL == "http://127.0.0.1:5000"


def test_production_refuses_debug(clean_env):
    clean_env.setenv("SECRET_KEY", SECRET)
    clean_env.setenv("FLASK_DEBUG", "1")
    with pytest.raises(config.ConfigError, match="DEBUG is on"):
        create_app("production")

    clean_env.delenv("FLASK_DEBUG")
    clean_env.setenv("INSPIR_CONFIG", "production")
    with pytest.raises(config.ConfigError, match="production refuses to start in debug mode"):
        create_app({"DEBUG": True})


def test_production_starts_with_a_secret_and_secure_cookies(clean_env):
    clean_env.setenv("SECRET_KEY", SECRET)
    for name, value in MAIL.items():
        clean_env.setenv(name, value)
    app = create_app("production")
    assert app.config["SECRET_KEY"] == SECRET
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["DEMO_ACCOUNTS_ALLOWED"] is False
    dispose(app)


@pytest.mark.parametrize("name", ["development", "testing"])
def test_other_environments_do_not_force_secure_cookies(name):
    assert config.load(name, environ={}).SESSION_COOKIE_SECURE is False


def test_other_environments_do_not_need_a_secret_from_the_environment(clean_env):
    clean_env.setenv("INSPIR_CONFIG", "development")
    app = create_app()
    assert app.config["SECRET_KEY"]
    dispose(app)


# --- environment overrides -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db.example:5432/inspir", "postgresql+psycopg://u:p@db.example:5432/inspir"),
        ("postgresql://u@db/inspir", "postgresql+psycopg://u@db/inspir"),
        ("postgresql+psycopg://u@db/inspir", "postgresql+psycopg://u@db/inspir"),
        ("sqlite:////srv/inspir.db", "sqlite:////srv/inspir.db"),
    ],
)
def test_database_url_is_normalised_to_psycopg(url, expected):
    settings = config.load("production", environ={"DATABASE_URL": url, "SECRET_KEY": SECRET})
    uri = settings.SQLALCHEMY_DATABASE_URI
    assert uri == expected


def test_database_url_reaches_the_app(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'chosen.db'}")
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'chosen.db'}"
    dispose(app)


def test_secret_key_from_the_environment():
    settings = config.load("development", environ={"SECRET_KEY": SECRET})
    assert settings.SECRET_KEY == SECRET
    assert config.Development.SECRET_KEY != SECRET  # the class is untouched


def test_redis_url_is_also_the_rate_limit_storage():
    assert config.load("production", environ={}).RATELIMIT_STORAGE_URI == "memory://"
    settings = config.load("production", environ={"REDIS_URL": "redis://cache:6379/2"})
    assert settings.REDIS_URL == "redis://cache:6379/2"
    assert settings.RATELIMIT_STORAGE_URI == "redis://cache:6379/2"


def test_allowed_origins_are_split_on_commas():
    settings = config.load("production", environ={
        "ALLOWED_ORIGINS": " https://inspir.example ,https://www.inspir.example,, ",
    })
    assert settings.ALLOWED_ORIGINS == ["https://inspir.example", "https://www.inspir.example"]


def test_server_name_sets_the_host_and_the_allowed_origin():
    production = config.load("production", environ={"SERVER_NAME": "inspir.example"})
    assert production.SERVER_NAME == "inspir.example"
    assert production.ALLOWED_ORIGINS == ["https://inspir.example"]

    development = config.load("development", environ={"SERVER_NAME": "localhost:5000"})
    assert development.ALLOWED_ORIGINS == ["http://localhost:5000"]

    both = config.load("production", environ={
        "SERVER_NAME": "inspir.example", "ALLOWED_ORIGINS": "https://a.example,https://b.example",
    })
    assert both.SERVER_NAME == "inspir.example"
    assert both.ALLOWED_ORIGINS == ["https://a.example", "https://b.example"]


def test_overrides_reach_the_app_config(clean_env):
    clean_env.setenv("SECRET_KEY", SECRET)
    for name, value in MAIL.items():
        clean_env.setenv(name, value)
    clean_env.setenv("SERVER_NAME", "inspir.hautsdefrance.fr")
    clean_env.setenv("ALLOWED_ORIGINS",
                     "https://inspir.hautsdefrance.fr,https://admin.inspir.hautsdefrance.fr")
    app = create_app("production")
    assert app.config["SERVER_NAME"] == "inspir.hautsdefrance.fr"
    assert app.config["UID_DOMAIN"] == "inspir.hautsdefrance.fr"
    assert app.config["ALLOWED_ORIGINS"] == [
        "https://inspir.hautsdefrance.fr", "https://admin.inspir.hautsdefrance.fr",
    ]
    dispose(app)


def test_a_mapping_overrides_the_chosen_settings(clean_env, tmp_path):
    clean_env.setenv("INSPIR_CONFIG", "testing")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "RATELIMIT_ENABLED": False})
    assert app.config["NAME"] == "testing"
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/m.db")
    dispose(app)


# --- the factory -----------------------------------------------------------------------------

def test_templates_and_static_files_live_at_the_project_root(app):
    templates = Path(app.root_path, app.template_folder).resolve()
    static = Path(app.static_folder).resolve()
    assert app.template_folder == "../templates"
    assert templates == ROOT / "templates"
    assert static == ROOT / "static"
    assert str(templates).endswith("/templates") and str(static).endswith("/static")
    assert (templates / "base.html").is_file()
    assert app.jinja_env.get_template("base.html").filename == str(templates / "base.html")
    assert app.static_url_path == "/static"


def test_every_blueprint_is_registered(app):
    assert app_module.BLUEPRINTS
    for blueprint in app_module.BLUEPRINTS:
        assert app.blueprints.get(blueprint.name) is blueprint
    registered = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()}
    for blueprint in app_module.BLUEPRINTS:
        assert blueprint.name in registered, f"{blueprint.name} has no route"


def test_create_app_does_not_create_or_migrate_tables(tmp_path):
    path = tmp_path / "untouched.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SERVER_NAME": None})
    assert app.test_client().get("/healthz").status_code == 200
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
    dispose(app)


# --- the public address (issue 18: calendar UIDs are made of it) -----------------------------

@pytest.mark.parametrize("environ", [
    {},  # neither PUBLIC_URL nor SERVER_NAME
    {"PUBLIC_URL": "https://inspir.example"},
    {"PUBLIC_URL": "https://inspir.example.com"},
    {"PUBLIC_URL": "http://localhost:5000"},
    {"PUBLIC_URL": "http://127.0.0.1:5000"},
    {"PUBLIC_URL": "https://inspir-events"},
    {"PUBLIC_URL": "https://inspir.test"},
    {"PUBLIC_URL": "https://192.0.2.10"},
    {"SERVER_NAME": "inspir.invalid"},
])
def test_production_refuses_a_placeholder_public_address(environ):
    mail = {k: v for k, v in MAIL.items() if k != "PUBLIC_URL"}
    settings = config.load("production", environ={"SECRET_KEY": SECRET, **mail, **environ})
    with pytest.raises(config.ConfigError, match="real public"):
        config.validate(as_flask_config(settings))


@pytest.mark.parametrize(("environ", "host"), [
    ({"PUBLIC_URL": "https://inspir.hautsdefrance.fr"}, "inspir.hautsdefrance.fr"),
    ({"PUBLIC_URL": "https://Inspir.HautsDeFrance.fr:8443/app/"}, "inspir.hautsdefrance.fr"),
    ({"SERVER_NAME": "inspir.hautsdefrance.fr:443"}, "inspir.hautsdefrance.fr"),
    ({"PUBLIC_URL": "https://inspir.hautsdefrance.fr", "SERVER_NAME": "other.fr"},
     "inspir.hautsdefrance.fr"),
])
def test_production_takes_the_public_host_from_public_url_or_server_name(environ, host):
    mail = {k: v for k, v in MAIL.items() if k != "PUBLIC_URL"}
    settings = config.load("production", environ={"SECRET_KEY": SECRET, **mail, **environ})
    config.validate(as_flask_config(settings))
    assert config.public_host(as_flask_config(settings)) == host
