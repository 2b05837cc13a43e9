"""Language and time zone: French by default, English on request.

The language comes from, in order: the ``lang`` cookie set by the language
switch, the signed-in user's saved choice, the browser's Accept-Language.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache, wraps

from flask import current_app, has_request_context, request
from flask.globals import _cv_app  # Flask's application context variable
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_time,
    get_locale,
    get_timezone,
    get_translations,
)
from flask_login import current_user

LANG_COOKIE = "lang"


def N_(message: str) -> str:
    """Mark a string for translation where it must stay a plain str (translated later)."""
    return message


LOGIN_MESSAGE = N_("Please sign in to see this page.")


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Commands and background work have no visitor to ask: use the default.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages, default=languages[0])


def page_translations():
    """The request's translations, looked up once per locale instead of once per string.

    Flask-Babel finds them again for every ``_()`` of a template (its context, locale and
    catalogue cache: about 6 µs, then Jinja's own wrapping), and a board page translates
    about a hundred strings. The translations found are kept beside the locale they are
    for, in Flask-Babel's own per-request context: a different locale (``force_locale``
    while a message is written in its recipient's language) is looked up afresh.
    """
    app_ctx = _cv_app.get(None)  # has_app_context's own test, without a proxy's lookups
    if app_ctx is None:
        return get_translations()
    ctx = app_ctx.g.get("_flask_babel")
    if ctx is not None:
        kept = getattr(ctx, "inspir_translations", None)
        if kept is not None and kept[0] is getattr(ctx, "babel_locale", None):
            return kept[1]
    translations = get_translations()
    ctx = app_ctx.g.get("_flask_babel")
    locale = getattr(ctx, "babel_locale", None)
    if locale is not None:
        ctx.inspir_translations = (locale, translations)
    return translations


def install_template_gettext(jinja_env) -> None:
    """Templates' ``_``, ``gettext``, ``ngettext`` (and the ``p`` forms) through
    :func:`page_translations`: the same catalogue and strings as Flask-Babel's."""
    jinja_env.install_gettext_callables(
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def page_locale():
    """Flask-Babel's ``get_locale()``, read from its per-request context once chosen.

    A board page asks for it about seventy times (each department's and theme's name in
    the page's language, each card, each translated string), and each of Flask-Babel's
    own calls goes through ``g`` three times before it finds the locale it chose for the
    request (about 3 µs): here once. The same value, ``force_locale`` included (it sets
    and restores the same attribute)."""
    app_ctx = _cv_app.get(None)
    ctx = app_ctx.g.get("_flask_babel") if app_ctx is not None else None
    locale = getattr(ctx, "babel_locale", None)
    return locale if locale is not None else get_locale()


_TRANSLATED: dict[tuple[int, str], dict] = {}


def translated_labels(labels: dict) -> dict:
    """``labels`` — a module's constant: names of label tables, each ``{key: lazy string}``
    — in the page's language, translated once per language and process. A lazy string is
    translated again each time a template shows it (an event's page shows five)."""
    key = (id(labels), current_language())
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = {name: {k: str(v) for k, v in table.items()}
                                    for name, table in labels.items()}
    return found


DATES_KEPT = 4_096  # each formatted moment, about 200 bytes


def install_date_filters(jinja_env) -> None:
    """Flask-Babel's ``dateformat``, ``datetimeformat`` and ``timeformat`` filters, each
    moment formatted once for its format, language and time zone (:func:`_kept`): Babel
    took about 50 µs for each, three on an event's page, one per row of a listing."""
    for name, formatter in (("dateformat", format_date), ("datetimeformat", format_datetime),
                            ("timeformat", format_time)):
        jinja_env.filters[name] = _kept(formatter)


def _kept(formatter):
    @lru_cache(maxsize=DATES_KEPT)
    def formatted(value, format, rebase, locale, timezone):  # noqa: A002 - Babel's name
        """(formatted in the request, whose locale and time zone are the key)"""
        return formatter(value, format, rebase=rebase)

    @wraps(formatter)
    def kept(value=None, format=None, rebase=True):  # noqa: A002 - Babel's name
        if value is None:  # (the current moment: never kept)
            return formatter(value, format, rebase=rebase)
        return formatted(value, format, rebase, page_locale(), get_timezone())

    kept.formatted = formatted
    return kept


def current_language() -> str:
    locale = page_locale()
    return locale.language if locale else "fr"


def localized(row) -> str:
    """A reference row's name in the page's language."""
    return row.name_for(current_language())


def format_cents(cents: int | None, currency: str = "EUR") -> str:
    """An amount in cents as money in the page's language ("150 000,00 €" in French).

    Decimal, never float: ``Decimal(cents) / 100`` is exact for any number of cents.
    """
    if cents is None:
        return ""
    return format_currency(Decimal(cents) / 100, currency)
