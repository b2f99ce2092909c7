"""The REST binding's path items: per workflow served, its session resources (open, read,
close, list the steps performed, download an attachment) and one operation per route of
:func:`ts26927.bindings.http.routes.routes` (a TR step the network receives)."""

from __future__ import annotations

from typing import Any

from ts26927 import TR_EDITION
from ts26927.bindings.http.routes import Route, api_root, flows_served, routes
from ts26927.bindings.http.server import MAX_PARTS
from ts26927.bindings.stdio_protocol import ATTACHMENT_NAME
from ts26927.flows import get_flow
from ts26927.http_openapi.components import (
    ATTACHMENT_HEADERS,
    BYTES,
    JSON,
    MULTIPART,
    OCTET_STREAM,
    bodyless,
    component_ref,
    error_responses,
    header_refs,
)


def _camel(flow_id: str) -> str:
    """``split-inference`` -> ``SplitInference``."""
    return "".join(word.capitalize() for word in flow_id.split("-"))


def _session_items(flow_id: str) -> dict[str, dict[str, Any]]:
    flow = get_flow(flow_id)
    name = _camel(flow_id)
    tags = [flow_id]
    sessions = f"{api_root(flow_id)}/sessions"
    one = f"{sessions}/{{sessionId}}"
    attachment_responses = {
        "200": {
            "description": "The whole attachment.",
            "headers": header_refs(*ATTACHMENT_HEADERS),
            "content": {OCTET_STREAM: {"schema": BYTES}},
        },
        "206": {
            "description": "The range asked for.",
            "headers": header_refs(*ATTACHMENT_HEADERS, "Content-Range"),
            "content": {OCTET_STREAM: {"schema": BYTES}},
        },
        "304": {
            "description": "Not Modified: the attachment still has the ETag of If-None-Match.",
            "headers": header_refs(*ATTACHMENT_HEADERS),
        },
        **error_responses(400, 401, 404, 416),
    }
    return {
        sessions: {
            "post": {
                "operationId": f"create{name}Session",
                "summary": f"Open a session: {flow.title}",
                "description": f"Starts one run of the workflow of {TR_EDITION}, clause "
                f"{flow.clause} ({flow.figure}), with the network side in the preamble's "
                "state. The answer lists the steps the network side performs first.",
                "tags": tags,
                "requestBody": {
                    "required": False,
                    "description": "An empty body opens the session with no preamble.",
                    "content": {JSON: {"schema": component_ref("schemas", "SessionCreation")}},
                },
                "responses": {
                    "201": {
                        "description": "Created.",
                        "headers": {"Location": component_ref("headers", "Location")},
                        "content": {JSON: {"schema": component_ref("schemas", "SessionResource")}},
                    },
                    **error_responses(400, 401, 413, 422, 429),
                },
            }
        },
        one: {
            "parameters": [component_ref("parameters", "SessionId")],
            "get": {
                "operationId": f"retrieve{name}Session",
                "summary": "Read the session",
                "description": "Its state, the steps performed so far and the steps allowed next.",
                "tags": tags,
                "responses": {
                    "200": {
                        "description": "The session.",
                        "content": {JSON: {"schema": component_ref("schemas", "SessionResource")}},
                    },
                    **error_responses(401, 404),
                },
            },
            "delete": {
                "operationId": f"delete{name}Session",
                "summary": "Close the session",
                "description": "Ends the run and releases what the implementation holds for it.",
                "tags": tags,
                "responses": {"204": {"description": "Deleted."}, **error_responses(401, 404)},
            },
        },
        f"{one}/steps": {
            "parameters": [component_ref("parameters", "SessionId")],
            "get": {
                "operationId": f"list{name}Steps",
                "summary": "Read the steps the network side performed",
                "description": "Lets the network side first perform the steps it has ready "
                "(those it performs on its own, without a request), then lists every "
                "performed step numbered above 'after'.",
                "tags": tags,
                "parameters": [component_ref("parameters", "After")],
                "responses": {
                    "200": {
                        "description": "The performed steps.",
                        "content": {JSON: {"schema": component_ref("schemas", "StepList")}},
                    },
                    **error_responses(400, 401, 404),
                },
            },
        },
        f"{one}/steps/{{seq}}/attachments/{{name}}": {
            "parameters": [
                component_ref("parameters", "SessionId"),
                component_ref("parameters", "Seq"),
                component_ref("parameters", "AttachmentName"),
            ],
            "get": {
                "operationId": f"retrieve{name}Attachment",
                "summary": "Download an attachment of a performed step",
                "description": "The bytes of a payload that is not JSON (a model, an "
                "intermediate data unit), whole or one byte range, to resume a cut download.",
                "tags": tags,
                "parameters": [
                    component_ref("parameters", "Range"),
                    component_ref("parameters", "IfRange"),
                    component_ref("parameters", "IfNoneMatch"),
                ],
                "responses": attachment_responses,
            },
            "head": {
                "operationId": f"check{name}Attachment",
                "summary": "Read an attachment's headers",
                "description": "As GET, without the content: its length, ETag and Repr-Digest.",
                "tags": tags,
                "parameters": [
                    component_ref("parameters", "Range"),
                    component_ref("parameters", "IfRange"),
                    component_ref("parameters", "IfNoneMatch"),
                ],
                "responses": bodyless(attachment_responses),
            },
        },
    }


def _multipart(route: Route) -> dict[str, Any]:
    """A step with attachments: the message and the payloads as parts."""
    assert route.message is not None
    parts: dict[str, Any] = {
        "message": {**component_ref("schemas", route.message), "description": "The step's message."}
    }
    encoding: dict[str, Any] = {"message": {"contentType": JSON}}
    for name in route.attachments:
        parts[name] = {**BYTES, "description": f"The {name} attachment's bytes."}
        encoding[name] = {"contentType": OCTET_STREAM}
    return {
        "schema": {
            "type": "object",
            "description": f"At most {MAX_PARTS} parts; names of parts other than 'message' "
            f"match {ATTACHMENT_NAME} and appear once.",
            "properties": parts,
            "required": list(parts),
        },
        "encoding": encoding,
    }


def _step_operation(route: Route) -> dict[str, Any]:
    flow = get_flow(route.flow)
    step = flow.step(route.step)
    assert step is not None
    where = f"{TR_EDITION}, clause {flow.clause} ({flow.figure}), step {step.id}"
    operation: dict[str, Any] = {
        "operationId": f"{_camel(route.flow)[0].lower()}{_camel(route.flow)[1:]}Step{step.id}",
        "summary": step.action,
        "description": f"{where}: {step.sender} to {step.receiver}. "
        + (f"The body is the step's {route.message} message" if route.message else "No message")
        + (
            f", with the {', '.join(route.attachments)} attachment"
            f"{'s' if len(route.attachments) > 1 else ''} as {MULTIPART} parts"
            if route.attachments
            else ""
        )
        + ". The answer lists the steps the network side performed in return.",
        "tags": [route.flow],
    }
    if route.message is not None:
        content: dict[str, Any] = {}
        if route.attachments:
            content[MULTIPART] = _multipart(route)
        content[JSON] = {"schema": component_ref("schemas", route.message)}
        operation["requestBody"] = {
            "required": True,
            "description": f"The {route.message} message"
            + (f" (as {JSON}: without the attachments)" if route.attachments else "")
            + ".",
            "content": content,
        }
    operation["responses"] = {
        "200": {
            "description": "The steps the network side performed in answer (possibly none).",
            "content": {JSON: {"schema": component_ref("schemas", "StepList")}},
        },
        **error_responses(400, 401, 404, 409, 413, 415, 422),
    }
    return operation


def path_items() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for flow_id in flows_served():
        paths.update(_session_items(flow_id))
        for route in routes():
            if route.flow == flow_id:
                paths[route.full_path] = {
                    "parameters": [component_ref("parameters", "SessionId")],
                    route.method.lower(): _step_operation(route),
                }
    return paths
