"""Generic error pages in the page's language, without stack traces, and the one error
boundary that turns a use case's refusal (:class:`~inspir_events.domain.DomainError`) into
an HTTP answer, the same way for every view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import (
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from inspir_events import security
from inspir_events.domain import DomainError

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("This page does not exist or is no longer public.")),
    405: (_l("Method not allowed"), _l("This address does not accept this kind of request.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    422: (_l("Invalid request"), _l("What you sent could not be processed.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Please wait a minute before trying again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error happened on our side. It has been logged; please try again."),
    ),
}


# The API's error codes for the HTTP errors raised outside its views (routing, limits...).
API_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
             413: "too_large", 422: "invalid_request", 429: "too_many_requests",
             500: "server_error"}
API_PREFIX = "/api/"


def render_error(code: int, detail=None):
    """The error page; under /api/ the same error as the API's JSON (never cached)."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    if code == 403:
        security.log_event("access.denied", reason=str(detail) if detail else None)
    if request.path.startswith(API_PREFIX):
        response = jsonify({"error": {"code": API_CODES.get(code, "server_error"),
                                      "message": str(detail or message)}})
        response.headers["Cache-Control"] = "no-store"
        response.headers["Vary"] = "Accept-Language"
        return response, code
    return render_template("errors/error.html", code=code, title=title, message=message,
                           detail=detail), code


def handle_http_error(error: HTTPException):
    if error.code == 413:
        return too_large()
    return render_error(error.code or 500)


def too_large():
    """413: a request body over MAX_CONTENT_LENGTH, refused before it is read (issue 18)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return render_error(413, gettext(
        "What you sent is too large: at most %(megabytes)d MB are accepted.",
        megabytes=max(1, limit // (1024 * 1024))))


def handle_csrf_error(error: CSRFError):
    return render_error(
        400, _l("The form expired or was sent from another site. Reload the page and try again.")
    )


@dataclass(frozen=True)
class RefusalAnswer:
    """How the current view answers a refusal (see :func:`on_refusal`)."""

    page: Callable | None = None
    form: object | None = None
    back: str | None = None


def on_refusal(*, page: Callable | None = None, form=None, back: str | None = None) -> None:
    """Say how this request answers a refusal of the use cases it calls.

    - ``page``: the refusal's message goes next to ``form[error.field]`` (when the form
      has that field; else ``page`` shows ``error.message`` as the form's own error),
      and ``page(error)`` is rendered with the refusal's status: what the user typed is
      kept, it is in the form;
    - ``back``: the message is flashed and the browser goes back there (303);
    - neither (or no call): the error page, with the refusal's status and message.

    Whatever a view says, "not found" is the 404 page and "forbidden" the 403 page with
    its reason. The use case has already rolled its transaction back.
    """
    g.on_refusal = RefusalAnswer(page=page, form=form, back=back)


def handle_refusal(error: DomainError):
    """The error boundary: a :class:`DomainError` raised by a use case, as an answer."""
    if error.status == 404:
        return render_error(404)
    if error.status == 403:
        return render_error(403, error.message)
    answer = g.get("on_refusal") or RefusalAnswer()
    if answer.page is not None:
        if answer.form is not None and error.field and error.field in answer.form:
            field = answer.form[error.field]
            field.errors = [*field.errors, error.message]
        response = make_response(answer.page(error))
        response.status_code = error.status
        return response
    if answer.back is not None:
        flash(error.message, "error")
        return redirect(answer.back, 303)
    return render_error(error.status, error.message)


def init_app(app) -> None:
    app.register_error_handler(DomainError, handle_refusal)
    app.register_error_handler(CSRFError, handle_csrf_error)
    for code in MESSAGES:
        app.register_error_handler(code, handle_http_error)
    app.register_error_handler(InternalServerError, handle_http_error)
