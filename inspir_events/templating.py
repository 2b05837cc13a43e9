"""Templates compiled once per language, their constant texts translated at compile time.

A page's ``{{ _("Home") }}`` went through Jinja's context call, the catalogue lookup, a
``Markup`` and a ``%`` formatting on every render: about 8 µs each, and a page has 50 to 100
of them (the layout alone about 40), where a plain text costs 0.4 µs. The application's
environment (:class:`LocalizedEnvironment`) keeps one overlay per language (same loader,
globals and filters, a cache of its own); each overlay's :class:`ConstantTranslations`
replaces ``_("a constant")`` by its translation while the template is compiled, marked safe
exactly as the runtime ``_`` marks it (``Markup(translation) % {}``). Every other call —
with variables, ``ngettext``, ``{% trans %}`` — still translates at render time. Templates
rendered with no locale (no application context) compile as before.

The catalogues are read once per process (they change only with a deployment); the
language of a render is Flask-Babel's ``get_locale()``: the visitor's, or the one forced
for a message written in its recipient's language.
"""

from __future__ import annotations

from flask.templating import Environment
from flask_babel import force_locale, get_locale, get_translations
from jinja2 import Template
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream


class ConstantTranslations(Extension):
    """``_("constant")`` → its translation, in an overlay that has a language."""

    def filter_stream(self, stream: TokenStream):
        language = getattr(self.environment, "inspir_language", None)
        if language is None:
            yield from stream
            return
        escaping = self.environment.autoescape
        if callable(escaping):
            escaping = escaping(stream.name)
        gettext = self.environment.inspir_gettext
        previous = None
        window: list[Token] = []
        for token in stream:
            window.append(token)
            if len(window) < 4:
                continue
            name, opening, text, closing = window
            replaced = None
            if (name.type == "name" and name.value == "_" and opening.type == "lparen"
                    and text.type == "string" and closing.type == "rparen" and text.value
                    and (previous is None or previous.type != "dot")):
                replaced = _constant(name.lineno, gettext(text.value), escaping)
            if replaced is None:
                previous = window.pop(0)
                yield previous
            else:
                yield from replaced
                previous, window = closing, []
        yield from window


def _constant(lineno: int, translated: str, escaping: bool) -> list[Token] | None:
    """The tokens of ``(translated|safe)`` (or ``(translated)`` where nothing is escaped):
    what the runtime ``_`` gives; None when the text needs variables (kept for runtime)."""
    try:
        formatted = translated % {}
    except (KeyError, TypeError, ValueError):
        return None
    tokens = [Token(lineno, "lparen", "("), Token(lineno, "string", formatted)]
    if escaping:
        tokens += [Token(lineno, "pipe", "|"), Token(lineno, "name", "safe")]
    return [*tokens, Token(lineno, "rparen", ")")]


class KeptModuleTemplate(Template):
    """Jinja's template, whose module (its macros, for ``{% from ... import ... %}``) is
    the one made once unless the importing render has globals it lacks.

    Jinja 3.1 asks it at every import as ``render's globals - template.globals.keys()``:
    a membership test of the template's ``ChainMap`` for each of the application's 37
    globals, 65 µs per import, five imports on an event page (7 % of it). The same set,
    taken by ``set.difference`` over the ``ChainMap``'s keys, costs 7 µs."""

    def _get_default_module(self, ctx=None):
        if ctx is not None and not ctx.globals_keys.difference(self.globals):
            ctx = None  # nothing to add: the module made once
        return super()._get_default_module(ctx)


class LocalizedEnvironment(Environment):
    """Flask's environment, handing each template out of the overlay of the render's
    language (created on first use, with :class:`ConstantTranslations`)."""

    template_class = KeptModuleTemplate
    inspir_language: str | None = None

    def _in_language(self) -> Environment:
        if self.inspir_language is not None:
            return self
        locale = get_locale()
        if locale is None:
            return self
        language = str(locale)
        overlays = self.__dict__.setdefault("inspir_overlays", {})
        overlay = overlays.get(language)
        if overlay is None:
            with force_locale(language):
                translations = get_translations()
            overlay = self.overlay(cache_size=400, extensions=[ConstantTranslations])
            overlay.inspir_language = language
            overlay.inspir_gettext = translations.ugettext
            overlay.inspir_overlays = None
            overlays[language] = overlay
        return overlay

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 - Jinja's signature
        target = self._in_language()
        if target is self:
            return super().get_template(name, parent, globals)
        return target.get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):  # noqa: A002
        target = self._in_language()
        if target is self:
            return super().select_template(names, parent, globals)
        return target.select_template(names, parent, globals)
