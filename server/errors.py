"""Errors a client can cause, and the one shape every error response has.

::

    KGError (500)
     +-- BadRequest (400)
     |    +-- QuerySyntaxError (400)      the parser's message and position
     +-- Forbidden (403)
     |    +-- UpdateForbidden (403)       the endpoint is read-only
     |    +-- ServiceForbidden (403)      SERVICE to an endpoint not allow-listed
     +-- NotFound (404)
     +-- MethodNotAllowed (405)           carries the ``Allow`` list
     +-- NotAcceptable (406)
     +-- ContentTooLarge (413)
     +-- URITooLong (414)
     +-- UnsupportedMediaType (415)
     +-- ResultTooLarge (422)             over max_result_rows / max_result_bytes
     +-- TooManyRequests (429)            carries ``Retry-After``
     +-- BadGateway (502)                 a SERVICE call failed; the SPARQL engine failed
     +-- ServiceUnavailable (503)         carries ``Retry-After``
          +-- QueryTimeout (503)
     +-- GatewayTimeout (504)             the SPARQL engine did not answer in time

Raise one of these from a view; :func:`register` turns it (and any other HTTP
error Flask raises, and any unexpected exception, which is logged) into a
response with the same fields: ``status``, ``error`` (the reason phrase) and
``message`` (one or two human sentences). The body is plain text by default,
JSON when the client prefers ``application/json``, HTML when it prefers
``text/html``. Outside Flask's dispatch (the WSGI wrappers of
:mod:`server.http`), :func:`wsgi_error` sends the same response.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from server.sparql.formats import best_media_type

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = [
    "BadGateway",
    "BadRequest",
    "ContentTooLarge",
    "Forbidden",
    "GatewayTimeout",
    "KGError",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotFound",
    "QuerySyntaxError",
    "QueryTimeout",
    "ResultTooLarge",
    "ServiceForbidden",
    "ServiceUnavailable",
    "TooManyRequests",
    "URITooLong",
    "UnsupportedMediaType",
    "UpdateForbidden",
    "error_body",
    "error_response",
    "register",
    "wsgi_error",
]

log = logging.getLogger("server.errors")


class KGError(Exception):
    """An error with an HTTP status and a message meant for the client."""

    status = 500

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = dict(headers or {})


class BadRequest(KGError):
    status = 400


class QuerySyntaxError(BadRequest):
    """The query does not parse; the message is the parser's, with its position."""


class Forbidden(KGError):
    status = 403


class UpdateForbidden(Forbidden):
    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "This endpoint is read-only: SPARQL Update is not accepted. "
            "Download the data from /dumps/ to modify a copy."
        )


class ServiceForbidden(Forbidden):
    """A SERVICE clause names an endpoint that the operator has not allowed."""


class NotFound(KGError):
    status = 404


class MethodNotAllowed(KGError):
    status = 405

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(
            f"The method {method} is not allowed here; use {', '.join(allowed)}.",
            headers={"Allow": ", ".join(allowed)},
        )


class NotAcceptable(KGError):
    status = 406


class ContentTooLarge(KGError):
    status = 413


class URITooLong(KGError):
    status = 414


class UnsupportedMediaType(KGError):
    status = 415


class ResultTooLarge(KGError):
    status = 422


class TooManyRequests(KGError):
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})


class BadGateway(KGError):
    status = 502


class ServiceUnavailable(KGError):
    status = 503

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})


class QueryTimeout(ServiceUnavailable):
    """The query ran past the time limit and was stopped."""


class GatewayTimeout(KGError):
    status = 504


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


_BODY_TYPES = ("text/plain", "application/json", "text/html")


def error_body(status: int, message: str, accept: str | None) -> tuple[bytes, str]:
    """The body and ``Content-Type`` of an error response, in the client's preferred form."""
    reason = _reason(status)
    kind = best_media_type(accept, _BODY_TYPES) if accept else "text/plain"
    if kind == "application/json":
        doc = {"ok": False, "status": status, "error": reason, "message": message}
        return json.dumps(doc, ensure_ascii=False).encode(), "application/json; charset=utf-8"
    if kind == "text/html":
        page = (
            "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            f"<title>{status} {html.escape(reason)}</title></head>"
            f"<body><h1>{status} {html.escape(reason)}</h1>"
            f"<pre>{html.escape(message)}</pre></body></html>\n"
        )
        return page.encode(), "text/html; charset=utf-8"
    return f"{status} {reason}: {message}\n".encode(), "text/plain; charset=utf-8"


def wsgi_error(
    environ: WSGIEnvironment,
    start_response: StartResponse,
    status: int,
    message: str,
    headers: Iterable[tuple[str, str]] = (),
) -> Iterable[bytes]:
    """Send the error response from WSGI code that runs before or around Flask."""
    body, content_type = error_body(status, message, environ.get("HTTP_ACCEPT"))
    start_response(
        f"{status} {_reason(status)}",
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("Vary", "Accept"),
            *headers,
        ],
    )
    return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]


def error_response(
    status: int, message: str, accept: str | None, headers: dict[str, str] | None = None
) -> Response:
    """A complete error :class:`~flask.Response`."""
    body, content_type = error_body(status, message, accept)
    response = Response(body, status=status, content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _handle_kg_error(exc: KGError) -> Response:
    return error_response(exc.status, exc.message, request.headers.get("Accept"), exc.headers)


def _handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers: dict[str, str] = {}
    if status == 405:
        valid = getattr(exc, "valid_methods", None) or ()
        headers["Allow"] = ", ".join(valid)
        message = f"The method {request.method} is not allowed here; use {', '.join(valid)}."
    elif status == 404:
        message = f"There is nothing at {request.path}."
    else:
        message = exc.description or _reason(status)
    return error_response(status, message, request.headers.get("Accept"), headers)


def _handle_unexpected(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(
        500,
        "Something went wrong on the server; it has been logged.",
        request.headers.get("Accept"),
    )


def register(app: Flask) -> None:
    """Install the handlers that give every error the same shape."""
    handlers: Any = app.register_error_handler
    handlers(KGError, _handle_kg_error)
    handlers(HTTPException, _handle_http_exception)
    handlers(Exception, _handle_unexpected)
