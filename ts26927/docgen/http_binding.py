"""The reference page of the REST binding: its session resources, per workflow every request
that carries a step of the test system and every step the network side reports, the logical
functions, the Problem Details causes, the binding's own resources and its limits.

Everything comes from the binding itself: the route table (:mod:`ts26927.bindings.http.routes`),
the flows' step tables, the causes (:mod:`ts26927.bindings.http.causes`) and the wire models.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ts26927.bindings.http import client, server, sessions
from ts26927.bindings.http.causes import CAUSES
from ts26927.bindings.http.routes import Route, api_root, flows_served, routes
from ts26927.bindings.http.wire import (
    AttachmentLink,
    InvalidParam,
    PerformedStep,
    Preamble,
    ProblemDetails,
    SessionCreation,
    SessionResource,
    StepList,
)
from ts26927.docgen.common import _anchor, _cell
from ts26927.docgen.types import type_label
from ts26927.docgen.workflows import workflow_path
from ts26927.flows import FLOWS, get_flow
from ts26927.flows.functions import LogicalFunction, Side
from ts26927.flows.table import Flow, Step
from ts26927.models.registry import MESSAGE_TYPES

#: The binding's own resources, in the order a client meets them.
WIRE_TYPES: tuple[type[BaseModel], ...] = (
    SessionCreation,
    Preamble,
    SessionResource,
    StepList,
    PerformedStep,
    AttachmentLink,
    ProblemDetails,
    InvalidParam,
)


#: What the generated description of a resource cannot say: where the rest is documented.
_NOTES: dict[type[BaseModel], str] = {
    Preamble: "The states, their parameters and the fixtures they name are on the harness "
    "reference: [Preamble states](harness-reference.md#preamble-states).",
}


@dataclass(frozen=True)
class SessionRoute:
    """A resource every workflow's API has (beside its step routes)."""

    methods: tuple[str, ...]
    path: str
    """Below the API root; ``{sessionId}``, ``{seq}`` and ``{name}`` are path parameters."""
    body: str
    answer: str


_SESSION = "/sessions/{sessionId}"

#: The session resources of every workflow, as ``server.create_app`` serves them (a test
#: holds the two equal).
SESSION_ROUTES: tuple[SessionRoute, ...] = (
    SessionRoute(
        ("POST",),
        "/sessions",
        "[SessionCreation](#sessioncreation) as `application/json` (an empty body is an empty "
        "SessionCreation)",
        "201 [SessionResource](#sessionresource), with `Location`: the session's path; its "
        "`performed` holds the steps the network side starts the workflow with, if any",
    ),
    SessionRoute(
        ("GET",),
        _SESSION,
        "no body",
        "200 [SessionResource](#sessionresource): the state, every step performed so far and "
        "the steps allowed next",
    ),
    SessionRoute(
        ("DELETE",),
        _SESSION,
        "no body",
        "204: the session and its attachments are gone",
    ),
    SessionRoute(
        ("GET",),
        f"{_SESSION}/steps",
        "no body; the query parameter `after` is a step number (default 0)",
        "200 [StepList](#steplist): the steps performed with a `seq` above `after`, once the "
        "implementation has performed the steps it had ready (those it performs on its own, "
        "which no request of the test system prompts)",
    ),
    SessionRoute(
        ("GET", "HEAD"),
        f"{_SESSION}/steps/{{seq}}/attachments/{{name}}",
        "no body; `Range`, `If-Range` and `If-None-Match` are honoured",
        "200 the bytes as `application/octet-stream`; 206 one range of them (`Content-Range`); "
        "304 when `If-None-Match` names the `ETag`; always `ETag`, `Repr-Digest` "
        "(`sha-256=:<base64>:`, RFC 9530) and `Accept-Ranges: bytes`",
    ),
    SessionRoute(
        ("POST",),
        f"{_SESSION}/<step route>",
        "the step's message as `application/json`, or `multipart/form-data` with the message "
        "in part `message` and one part per attachment (see the workflows below)",
        "200 [StepList](#steplist): the steps the network side performed in answer, in order",
    ),
)

#: Served by the server outside every workflow's API root.
OPENAPI_PATH = "/openapi.json"


def _message_link(step: Step, without: str) -> str:
    """The step's message type, linked to its reference; ``without`` for a step without one."""
    if step.message is None:
        return without
    name = step.message.__name__
    page = "messages.md" if step.message in MESSAGE_TYPES else "metadata.md"
    return f"[{name}]({page}#{_anchor(name)})"


def _towards_network(step: Step) -> tuple[LogicalFunction, LogicalFunction]:
    """The step's parties as the request carries it: from the test system's function to
    the network's (a step either side sends may be drawn the other way in the TR)."""
    if step.sender.side is Side.NETWORK and step.either_direction:
        return step.receiver, step.sender
    return step.sender, step.receiver


def _by_network(step: Step) -> tuple[LogicalFunction, LogicalFunction]:
    """The step's parties when the network side performs it."""
    if step.sender.side is not Side.NETWORK and step.either_direction:
        return step.receiver, step.sender
    return step.sender, step.receiver


def _collection(route: Route) -> str:
    """The route's path below the session (every step route is a sub-resource of it)."""
    return route.path.removeprefix(f"{_SESSION}/")


def _requests(flow: Flow, flow_routes: list[Route]) -> list[str]:
    lines = [
        "| step | request | from → to | message (multipart parts beside it) |",
        "|---|---|---|---|",
    ]
    for route in flow_routes:
        step = flow.step(route.step)
        assert step is not None  # routes.py derives every route from a step of the flow
        first, second = _towards_network(step)
        either = " (either side sends)" if step.either_direction else ""
        parts = ", ".join(f"`{name}`" for name in route.attachments)
        beside = f" + {parts}" if parts else ""
        lines.append(
            f"| {step.id} | {route.method} `{_collection(route)}` | {first.name} → "
            f"{second.name}{either} | {_message_link(step, '— (no body)')}{beside} |"
        )
    return lines


def _reported(flow: Flow) -> list[str]:
    lines = [
        "| step | sender | receiver | message |",
        "|---|---|---|---|",
    ]
    for step in flow.steps:
        if not step.performed_by(Side.NETWORK):
            continue
        sender, receiver = _by_network(step)
        message = _message_link(step, "`null` (an action)")
        lines.append(f"| {step.id} | `{sender.key}` | `{receiver.key}` | {message} |")
    return lines


def _workflow_section(flow: Flow) -> list[str]:
    flow_routes = [r for r in routes() if r.flow == flow.id]
    return [
        f"### {flow.id}",
        "",
        f"API root `{api_root(flow.id)}`: [{_cell(flow.title)}]({workflow_path(flow)}) "
        f"(TR clause {flow.clause}, {flow.figure}).",
        "",
        "Requests: the steps of the test system that the network side receives, each sent to "
        f"`{api_root(flow.id)}{_SESSION}/` and the collection named here.",
        "",
        *_requests(flow, flow_routes),
        "",
        "Steps the network side reports in `performed`, with these `sender` and `receiver`:",
        "",
        *_reported(flow),
        "",
    ]


def _functions() -> list[str]:
    seen: dict[str, LogicalFunction] = {}
    for flow in FLOWS.values():
        for function in flow.functions():
            seen.setdefault(function.key, function)
    lines = [
        "## Logical functions",
        "",
        "The `sender` and `receiver` of a performed step name the TR's logical functions by "
        "these keys.",
        "",
        "| key | logical function | side |",
        "|---|---|---|",
    ]
    lines += [f"| `{f.key}` | {_cell(f.name)} | {f.side.value} |" for f in seen.values()]
    return [*lines, ""]


def _causes() -> list[str]:
    lines = [
        "## Problem Details causes",
        "",
        "Every error is `application/problem+json`: a [ProblemDetails](#problemdetails) object "
        "with `type`, `title`, `status`, `detail`, `instance` (the request's path) and `cause`. "
        "The suite reads the status; `cause` and `detail` are for people and logs.",
        "",
        "| cause | status | returned when | the answer adds |",
        "|---|---|---|---|",
    ]
    for c in CAUSES:
        status = str(c.status) if c.status is not None else "that error's"
        adds = [*c.members, *(f"header {h}" for h in c.headers)]
        # Plain text: a code span in a narrow column breaks in mid-word, a word does not.
        lines.append(f"| {c.name} | {status} | {_cell(c.when)} | {', '.join(adds) or '—'} |")
    return [*lines, ""]


def _without_null(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A property's schema without its ``null`` branch, and whether it had one."""
    branches = node.get("anyOf", [])
    kept = [b for b in branches if b.get("type") != "null"]
    if len(kept) == 1 and len(branches) == 2:
        return {**node, **kept[0], "anyOf": None}, True
    return node, False


def _constraints(node: dict[str, Any]) -> str:
    parts = []
    for key, label in (
        ("minimum", "≥ {}"),
        ("maximum", "≤ {}"),
        ("minLength", "length ≥ {}"),
        ("maxLength", "length ≤ {}"),
        ("pattern", "pattern `{}`"),
    ):
        if node.get(key) is not None:
            parts.append(label.format(node[key]))
    if "default" in node:
        parts.append(f"default `{_json_text(node['default'])}`")
    return ", ".join(parts) or "—"


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _text(description: str) -> str:
    """A docstring as Markdown: reStructuredText's double backticks are single ones, and
    angle brackets outside code are text, not HTML."""
    parts = " ".join(description.replace("``", "`").split()).split("`")
    for i in range(0, len(parts), 2):  # the parts outside code spans
        parts[i] = parts[i].replace("<", "&lt;").replace(">", "&gt;")
    return _cell("`".join(parts))


def _kind(node: dict[str, Any], nullable: bool) -> str:
    if node.get("anyOf") is None:
        node = {k: v for k, v in node.items() if k != "anyOf"}
    if node.get("type") == "object" and "properties" not in node:
        label = "object"
    else:
        label = type_label(node)
    return f"{label} or null" if nullable else label


def _resource(model: type[BaseModel]) -> list[str]:
    schema = model.model_json_schema()
    lines = [
        f"### {model.__name__}",
        "",
        _text(schema.get("description", "")),
        "",
        "| property | type | required | constraints | description |",
        "|---|---|---|---|---|",
    ]
    required = set(schema.get("required", []))
    for name, raw in schema.get("properties", {}).items():
        node, nullable = _without_null(raw)
        lines.append(
            f"| `{name}` | {_kind(node, nullable)} | {'yes' if name in required else 'no'} | "
            f"{_constraints(node)} | {_text(raw.get('description', ''))} |"
        )
    if schema.get("additionalProperties") is False:
        lines += ["", "No other member is accepted."]
    if model in _NOTES:
        lines += ["", _NOTES[model]]
    return [*lines, ""]


def _limits() -> list[str]:
    mib = 1024 * 1024
    return [
        "## Limits",
        "",
        "| what | limit |",
        "|---|---|",
        f"| a request body | {server.MAX_BODY_BYTES // mib} MiB (`ts26927 serve --max-body`); "
        "413 above |",
        f"| parts of a multipart body | {server.MAX_PARTS} |",
        f"| sessions one server holds | {sessions.MAX_SESSIONS} (429 above) |",
        f"| a session unused for {sessions.IDLE_S:g} s | dropped when the next session is "
        "created |",
        f"| an attachment the suite downloads | {client.MAX_ATTACHMENT_BYTES // mib} MiB |",
        f"| resumptions of one cut download | {client.MAX_RESUMES} (`Range` + `If-Range`) |",
        "",
    ]


def http_binding_page() -> str:
    """The REST binding's reference page."""
    lines = [
        "# REST binding reference",
        "",
        "Generated from the binding itself: its route table "
        "(`ts26927/bindings/http/routes.py`, derived from the workflows' step tables), its "
        "resources (`wire.py`) and its causes (`causes.py`). How to use it, with real "
        "requests and answers: [Test a service over HTTP](../http.md). The same in "
        "machine-readable form: the OpenAPI documents `schemas/ts26927-http.openapi.json` "
        "(3.1) and `schemas/ts26927-http.openapi-3.0.json`, served at "
        f"`GET {OPENAPI_PATH}`.",
        "",
        "## Resources of every workflow",
        "",
        "Each workflow is an API of its own, rooted at `/ts26927-{workflow}/v1` (each root is "
        "given with its workflow below). Every "
        "request carries `Authorization: Bearer <token>`; a session is visible only to the "
        "client whose token created it. Below the API root:",
        "",
    ]
    for r in SESSION_ROUTES:
        lines.append(f"- **{', '.join(r.methods)} `{r.path}`**: {r.body}. Answer {r.answer}.")
    lines += [
        "",
        f"`GET {OPENAPI_PATH}` (outside the API roots, without a token) serves the OpenAPI "
        "3.1 document.",
        "",
        "## Workflows",
        "",
        "Per workflow: every request that carries a step of the test system to the network "
        "side (a `POST` to a collection named after the step's message), and every step the "
        "network side may report having performed. The steps between the network's own "
        "logical functions are among them: the suite judges them too. A route with "
        "attachments takes `multipart/form-data`: part `message` holds the message "
        "(`application/json`), and each attachment listed beside it (`+ unit`) is a part of "
        "its own (`application/octet-stream`) of that name.",
        "",
    ]
    for flow_id in flows_served():
        lines += _workflow_section(get_flow(flow_id))
    lines += _functions()
    lines += _causes()
    lines += ["## The binding's resources", ""]
    lines += [
        "The TR's messages travel unchanged (their schemas are on "
        "[Call-flow messages](messages.md)); these objects carry them.",
        "",
    ]
    for model in WIRE_TYPES:
        lines += _resource(model)
    lines += _limits()
    return "\n".join(lines).rstrip() + "\n"


__all__ = ["OPENAPI_PATH", "SESSION_ROUTES", "WIRE_TYPES", "SessionRoute", "http_binding_page"]
