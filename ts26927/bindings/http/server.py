"""The REST binding's server: any implementation's network side over HTTP (the reference
engine by default), built with FastAPI on the binding table of :mod:`.routes`.

Every route of the table becomes an endpoint that reads the request itself (so that every
error is a Problem Details object with JSON pointers, never the framework's own 422), hands
the step to the session and answers with the steps performed. Clients authenticate with a
bearer token; a session is visible only to the client that created it.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from functools import cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ts26927 import __version__
from ts26927.bindings.base import Implementation
from ts26927.bindings.http.causes import (
    ATTACHMENT_NOT_FOUND,
    BODY_TOO_LARGE,
    HTTP_ERROR,
    INVALID_MSG_FORMAT,
    INVALID_PARAM,
    INVALID_QUERY_PARAM,
    INVALID_TOKEN,
    METHOD_NOT_ALLOWED,
    MISSING_TOKEN,
    RANGE_NOT_SATISFIABLE,
    RESOURCE_NOT_FOUND,
    SYSTEM_FAILURE,
    UNSUPPORTED_MEDIA_TYPE,
)
from ts26927.bindings.http.problems import PROBLEM_JSON, Problem, invalid_params
from ts26927.bindings.http.ranges import Unsatisfiable, parse_range
from ts26927.bindings.http.routes import Route, api_root, flows_served, routes
from ts26927.bindings.http.sessions import HttpSession, SessionStore, owner_of
from ts26927.bindings.http.wire import SessionCreation, SessionResource, StepList
from ts26927.bindings.stdio_protocol import ATTACHMENT_NAME
from ts26927.errors import Issue
from ts26927.models import wire_errors, wire_json
from ts26927.resources import resource_path

#: The binding's OpenAPI document among the exported schemas (``ts26927 schemas export``
#: writes it from this table and the wire models; ``GET /openapi.json`` serves it).
OPENAPI_FILE = "ts26927-http.openapi.json"

_LOG = logging.getLogger("ts26927.http")

#: Largest request body accepted (413 above it): the harness protocol's attachment limit.
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_PARTS = 16


class BodyLimit:
    """ASGI middleware: a body over ``limit`` bytes is answered 413, by its Content-Length
    before anything is read, or as soon as a streamed body passes the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise Problem(BODY_TOO_LARGE, f"the body is over {self.limit} bytes")
            return message

        await self.app(scope, counted, send)


def _too_large(limit: int) -> Response:
    return Problem(BODY_TOO_LARGE, f"the body is over {limit} bytes").response()


def _token(request: Request) -> str:
    """The bearer token of ``request``, if it is one the server knows (401 otherwise)."""
    tokens: frozenset[str] = request.app.state.tokens
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="ts26927"'}
    if scheme.lower() != "bearer" or not given.strip():
        raise Problem(MISSING_TOKEN, "send Authorization: Bearer <token>", headers=challenge)
    given = given.strip()
    if not any(hmac.compare_digest(given.encode(), t.encode()) for t in tokens):
        raise Problem(
            INVALID_TOKEN,
            "the token is not one this server accepts",
            headers={"WWW-Authenticate": 'Bearer realm="ts26927", error="invalid_token"'},
        )
    return owner_of(given)


def _json_body(raw: bytes, where: str) -> Any:
    if not raw:
        return None
    try:
        return wire_json.loads(raw)
    except wire_json.JsonTextError as error:
        raise Problem(
            INVALID_MSG_FORMAT,
            f"{where} is not valid JSON: {error}",
            invalid=invalid_params([Issue("", str(error))], where if where != "body" else ""),
        ) from None


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


async def _step_body(request: Request) -> tuple[Any, dict[str, bytes], str]:
    """The message, the attachments and where the message sits (for pointers)."""
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return await _multipart(request)
    raw = await request.body()
    if raw and not _is_json(content_type):
        raise Problem(
            UNSUPPORTED_MEDIA_TYPE,
            "send the message as application/json, or multipart/form-data with a 'message' "
            "part and one part per attachment",
        )
    return _json_body(raw, "body"), {}, ""


async def _multipart(request: Request) -> tuple[Any, dict[str, bytes], str]:
    try:
        form = await request.form(max_files=MAX_PARTS, max_fields=MAX_PARTS)
    except Problem:
        raise
    except Exception as error:  # the multipart parser's own errors
        raise Problem(INVALID_MSG_FORMAT, f"not a valid multipart body: {error}") from None
    message: Any = None
    attachments: dict[str, bytes] = {}
    for name, value in form.multi_items():
        data = await value.read() if isinstance(value, UploadFile) else value.encode()
        if name == "message":
            message = _json_body(data, "/message")
            continue
        if not re.fullmatch(ATTACHMENT_NAME, name) or name in attachments:
            raise Problem(
                INVALID_MSG_FORMAT,
                f"part {name!r}: not an attachment name, or given twice",
                invalid=invalid_params([Issue(wire_errors.pointer([name]), "unexpected part")]),
            )
        attachments[name] = data
    return message, attachments, "/message"


def create_app(
    factory: Callable[[], Implementation],
    tokens: Iterable[str],
    *,
    max_body: int = MAX_BODY_BYTES,
    store: SessionStore | None = None,
) -> FastAPI:
    """The ASGI application serving ``factory``'s implementations, one per session."""
    app = FastAPI(
        title="ts26927 REST binding",
        version=__version__,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.tokens = frozenset(tokens)
    app.state.store = store if store is not None else SessionStore(factory)
    _handlers(app)
    for flow_id in flows_served():
        _session_routes(app, flow_id)
    for route in routes():
        app.add_api_route(
            route.full_path.replace("{sessionId}", "{session_id}"),
            _step_endpoint(route),
            methods=[route.method],
            name=f"{route.flow} step {route.step}",
        )
    app.add_api_route("/openapi.json", _openapi, methods=["GET"], include_in_schema=False)
    app.add_middleware(BodyLimit, limit=max_body)
    app.router.on_shutdown.append(lambda: app.state.store.close())
    return app


@cache
def _openapi_text() -> bytes:
    return (resource_path("schemas") / OPENAPI_FILE).read_bytes()


async def _openapi() -> Response:
    """The binding's OpenAPI 3.1 document, as exported with the schemas (and shipped)."""
    return Response(_openapi_text(), media_type="application/json")


def _store(request: Request) -> SessionStore:
    return request.app.state.store


def _step_list(session: HttpSession, performed: list[Any]) -> JSONResponse:
    body = StepList(performed=performed, allowedSteps=session.allowed())
    return JSONResponse(body.model_dump(mode="json"))


def _session_body(session: HttpSession) -> dict[str, Any]:
    return SessionResource(
        sessionId=session.id,
        flow=session.flow.id,
        clause=session.flow.clause,
        state=session.view.state,
        performed=session.performed,
        allowedSteps=session.allowed(),
    ).model_dump(mode="json")


def _session_routes(app: FastAPI, flow_id: str) -> None:
    root = api_root(flow_id)

    async def create(request: Request) -> Response:
        owner = _token(request)
        raw = await request.body()
        # No body opens a session without a preamble; a body must be a SessionCreation.
        data = _json_body(raw, "body") if raw else {}
        try:
            creation = SessionCreation.model_validate(data)
        except Exception as error:
            found = wire_errors.issues(data, error) if hasattr(error, "errors") else []
            raise Problem(
                INVALID_MSG_FORMAT,
                "not a SessionCreation",
                invalid=invalid_params(found or [Issue("", str(error))]),
            ) from None
        session = await run_in_threadpool(_store(request).create, owner, flow_id, creation)
        return JSONResponse(
            _session_body(session), status_code=201, headers={"Location": session.root}
        )

    async def read(request: Request, session_id: str) -> Response:
        session = _store(request).get(_token(request), flow_id, session_id)
        return JSONResponse(_session_body(session))

    async def delete(request: Request, session_id: str) -> Response:
        owner = _token(request)
        await run_in_threadpool(_store(request).delete, owner, flow_id, session_id)
        return Response(status_code=204)

    async def read_or_delete(request: Request, session_id: str) -> Response:
        # One route for both methods: a 405 on this path then lists both in its Allow.
        if request.method == "DELETE":
            return await delete(request, session_id)
        return await read(request, session_id)

    async def steps(request: Request, session_id: str, after: int = 0) -> Response:
        session = _store(request).get(_token(request), flow_id, session_id)
        if after < 0:
            raise Problem(
                INVALID_QUERY_PARAM,
                "after must be 0 or more",
                invalid=[invalid_params([Issue("query after", "negative")])[0]],
            )
        await run_in_threadpool(session.poll)
        return _step_list(session, session.after(after))

    async def attachment(request: Request, session_id: str, seq: int, name: str) -> Response:
        session = _store(request).get(_token(request), flow_id, session_id)
        kept = session.attachments.get((seq, name))
        if kept is None:
            raise Problem(ATTACHMENT_NOT_FOUND, f"step {seq} has no attachment {name!r}")
        headers = {
            "ETag": kept.etag,
            "Repr-Digest": kept.repr_digest,
            "Accept-Ranges": "bytes",
        }
        size = len(kept.data)
        if_range = request.headers.get("if-range")
        wanted = request.headers.get("range") if if_range in (None, kept.etag) else None
        try:
            chosen = parse_range(wanted, size)
        except Unsatisfiable:
            raise Problem(
                RANGE_NOT_SATISFIABLE,
                f"the attachment has {size} bytes",
                headers={"Content-Range": f"bytes */{size}"},
            ) from None
        if request.headers.get("if-none-match") == kept.etag and chosen is None:
            return Response(status_code=304, headers=headers)
        if chosen is None:
            return Response(kept.data, media_type="application/octet-stream", headers=headers)
        headers["Content-Range"] = chosen.content_range(size)
        return Response(
            kept.data[chosen.first : chosen.last + 1],
            status_code=206,
            media_type="application/octet-stream",
            headers=headers,
        )

    sessions = f"{root}/sessions"
    one = f"{sessions}/{{session_id}}"
    app.add_api_route(sessions, create, methods=["POST"], status_code=201)
    app.add_api_route(one, read_or_delete, methods=["GET", "DELETE"])
    app.add_api_route(f"{one}/steps", steps, methods=["GET"])
    app.add_api_route(
        f"{one}/steps/{{seq}}/attachments/{{name}}", attachment, methods=["GET", "HEAD"]
    )


def _step_endpoint(route: Route) -> Callable[..., Awaitable[Response]]:
    async def endpoint(request: Request, session_id: str) -> Response:
        owner = _token(request)
        session = _store(request).get(owner, route.flow, session_id)
        message, attachments, where = await _step_body(request)
        performed = await run_in_threadpool(session.deliver, route, message, attachments, where)
        return _step_list(session, performed)

    return endpoint


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def problem(request: Request, error: Problem) -> Response:
        return error.response(request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        cause = {404: RESOURCE_NOT_FOUND, 405: METHOD_NOT_ALLOWED}.get(
            error.status_code, HTTP_ERROR
        )
        return Problem(
            cause,
            str(error.detail),
            status=error.status_code,
            headers=dict(error.headers or {}),
        ).response(request.url.path)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, error: RequestValidationError) -> Response:
        # The framework checks path and query parameters before the endpoint runs; the
        # token still comes first, so a client without one learns nothing of the resource.
        try:
            _token(request)
        except Problem as refused:
            return refused.response(request.url.path)
        invalid = []
        for item in error.errors():
            where, *rest = [str(part) for part in item.get("loc", ())]
            name = rest[0] if rest else ""
            param = f"{where} {name}" if where in ("query", "header") else f"/{name}"
            invalid.append(Issue(param, str(item.get("msg", ""))))
        problem = Problem(
            INVALID_PARAM,
            "a path or query parameter is not valid",
            invalid=[invalid_params([i])[0] for i in invalid],
        )
        return problem.response(request.url.path)

    @app.exception_handler(Exception)
    async def broke(request: Request, error: Exception) -> Response:
        # A fault of the server or of the implementation it serves, never the client's:
        # the operator gets the traceback, the client a Problem without one.
        _LOG.error("%s %s failed", request.method, request.url.path, exc_info=error)
        return Problem(SYSTEM_FAILURE, f"{type(error).__name__}: {error}").response(
            request.url.path
        )


__all__ = ["MAX_BODY_BYTES", "MAX_PARTS", "OPENAPI_FILE", "PROBLEM_JSON", "BodyLimit", "create_app"]
