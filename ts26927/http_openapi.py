"""The REST binding's OpenAPI documents, generated from its table and its wire models.

One path item per route of :func:`ts26927.bindings.http.routes.routes` (a TR step the network
receives) and per session resource of each workflow; the bodies are the TR messages, whose
schemas are exactly the components of the metadata document (:func:`ts26927.schemas.
openapi_components`), and the binding's own resources (:mod:`ts26927.bindings.http.wire`).

Two forms: OpenAPI 3.1 (the canonical one, served by ``GET /openapi.json``) and OpenAPI 3.0.3
for the code generators 3GPP's users run on 3GPP's own 3.0 files: closed enumerations,
``nullable`` instead of a ``null`` type, ``example`` instead of ``examples``, and the few
JSON Schema rules 3.0 cannot state written out in the descriptions. 3GPP files use no ``x-``
extensions, so neither do the path items here: the TR clause and step id are in the text.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from ts26927 import TR_EDITION, __version__
from ts26927.bindings.http import wire
from ts26927.bindings.http.routes import Route, api_root, flows_served, routes
from ts26927.bindings.http.server import MAX_BODY_BYTES, MAX_PARTS, OPENAPI_FILE
from ts26927.bindings.stdio_protocol import ATTACHMENT_NAME
from ts26927.flows import get_flow
from ts26927.schemas import close_enumerations, openapi_components

HTTP_OPENAPI_FILE = OPENAPI_FILE
HTTP_OPENAPI_30_FILE = "ts26927-http.openapi-3.0.json"

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
MULTIPART = "multipart/form-data"
OCTET_STREAM = "application/octet-stream"
SECURITY = "bearerAuth"
TR_ARCHIVE = "https://www.3gpp.org/ftp/Specs/archive/26_series/26.927/"

#: The binding's own resources (with the ones they hold), beside the TR's messages.
WIRE_MODELS: tuple[type[BaseModel], ...] = (
    wire.SessionCreation,
    wire.Preamble,
    wire.SessionResource,
    wire.PerformedStep,
    wire.AttachmentLink,
    wire.StepList,
    wire.ProblemDetails,
    wire.InvalidParam,
)


class _ResourceSchema(GenerateJsonSchema):
    """Pydantic's generator without the field titles (the descriptions say more). Unlike
    the messages, the binding's resources do carry ``null`` (a performed action has a null
    message), so ``X | None`` stays a choice with ``null``."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def wire_components() -> dict[str, Any]:
    """The schemas of the binding's own resources, by name."""
    _, defs = models_json_schema(
        [(model, "validation") for model in WIRE_MODELS],
        by_alias=True,
        ref_template="#/components/schemas/{model}",
        schema_generator=_ResourceSchema,
    )
    return defs["$defs"]


# --- Parameters, headers and responses ------------------------------------------------------


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _problem(description: str, **headers: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": _ref("schemas", "ProblemDetails")}},
    }
    if headers:
        response["headers"] = headers
    return response


def _header(description: str, schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": schema}


_DIGEST = r"^sha-256=:[A-Za-z0-9+/]{43}=:$"
_ETAG = r'^"[0-9a-f]{40}"$'

HEADERS: dict[str, dict[str, Any]] = {
    "ETag": _header(
        "Strong validator of the attachment (RFC 9110 clause 8.8.3): send it back in "
        "If-Range or If-None-Match.",
        {"type": "string", "pattern": _ETAG},
    ),
    "ReprDigest": _header(
        "SHA-256 of the whole attachment (RFC 9530), on every answer, partial ones included.",
        {"type": "string", "pattern": _DIGEST},
    ),
    "AcceptRanges": _header(
        "The attachment is served in byte ranges.", {"type": "string", "enum": ["bytes"]}
    ),
    "ContentRange": _header(
        "The bytes sent, and the attachment's length (RFC 9110 clause 14.4).",
        {"type": "string", "pattern": r"^bytes [0-9]+-[0-9]+/[0-9]+$"},
    ),
    "UnsatisfiedRange": _header(
        "The attachment's length (RFC 9110 clause 15.5.17).",
        {"type": "string", "pattern": r"^bytes \*/[0-9]+$"},
    ),
    "Location": _header(
        "The URI of the created session (an absolute path on this server).",
        {"type": "string", "format": "uri-reference"},
    ),
    "WwwAuthenticate": _header(
        "The Bearer challenge (RFC 6750 clause 3).", {"type": "string", "pattern": "^Bearer "}
    ),
    "RetryAfter": _header(
        "Seconds to wait before opening a session again.",
        {"type": "string", "pattern": "^[0-9]+$"},
    ),
}


def _headers(*names: str) -> dict[str, Any]:
    """Response headers by their HTTP names (``Repr-Digest``), as references."""
    return {name: _ref("headers", name.replace("-", "")) for name in names}


_ATTACHMENT_HEADERS = ("ETag", "Repr-Digest", "Accept-Ranges")
#: Bytes as a body or a part (``format: binary`` in the 3.0 document).
_BYTES = {"type": "string", "contentMediaType": OCTET_STREAM}

RESPONSES: dict[str, dict[str, Any]] = {
    "400": _problem(
        "Bad Request. cause INVALID_MSG_FORMAT: the body is not JSON, not a SessionCreation, or "
        "not a valid multipart body; INVALID_MESSAGE: the step's message does not validate "
        "(invalidParams point at the members); INVALID_PARAM or INVALID_QUERY_PARAM: a path "
        "or query parameter is not valid."
    ),
    "401": _problem(
        "Unauthorized. cause MISSING_TOKEN: no bearer token; INVALID_TOKEN: one this server "
        "does not accept.",
        **{"WWW-Authenticate": _ref("headers", "WwwAuthenticate")},
    ),
    "404": _problem(
        "Not Found. cause SESSION_NOT_FOUND: no such session of this workflow among the "
        "client's own (the sessions of other clients are not revealed); ATTACHMENT_NOT_FOUND: "
        "the performed step has no such attachment."
    ),
    "409": _problem(
        "Conflict. cause STEP_OUT_OF_ORDER: the workflow's state machine does not allow this "
        "step now; allowedSteps lists the steps it allows."
    ),
    "413": _problem(
        f"Content Too Large. cause BODY_TOO_LARGE: the body is over {MAX_BODY_BYTES} bytes."
    ),
    "415": _problem(
        "Unsupported Media Type. cause UNSUPPORTED_MEDIA_TYPE: send the message as "
        f"{JSON}, or as {MULTIPART} with a 'message' part and one part per attachment."
    ),
    "416": _problem(
        "Range Not Satisfiable. cause RANGE_NOT_SATISFIABLE: the range starts past the end.",
        **{"Content-Range": _ref("headers", "UnsatisfiedRange")},
    ),
    "422": _problem(
        "Unprocessable Content. cause STEP_REFUSED: the implementation found the message "
        "unusable (the session stays where it was); SETUP_REFUSED: it cannot take the "
        "preamble."
    ),
    "429": _problem(
        "Too Many Requests. cause TOO_MANY_SESSIONS: the server holds all the sessions it "
        "can; delete finished ones.",
        **{"Retry-After": _ref("headers", "RetryAfter")},
    ),
}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): _ref("responses", str(status)) for status in statuses}


def _bodyless(responses: dict[str, Any]) -> dict[str, Any]:
    """The answers to HEAD: the same statuses and headers, without content."""
    out: dict[str, Any] = {}
    for status, response in responses.items():
        full = RESPONSES[status] if "$ref" in response else response
        out[status] = {k: v for k, v in full.items() if k != "content"}
    return out


PARAMETERS: dict[str, dict[str, Any]] = {
    "SessionId": {
        "name": "sessionId",
        "in": "path",
        "required": True,
        "description": "The session's id, as the server assigned it on creation.",
        "schema": {"type": "string", "pattern": wire.SESSION_ID_PATTERN},
    },
    "Seq": {
        "name": "seq",
        "in": "path",
        "required": True,
        "description": "The performed step's number (PerformedStep seq).",
        "schema": {"type": "integer", "minimum": 1},
    },
    "AttachmentName": {
        "name": "name",
        "in": "path",
        "required": True,
        "description": "The attachment's name (AttachmentLink name).",
        "schema": {"type": "string", "pattern": ATTACHMENT_NAME},
    },
    "After": {
        "name": "after",
        "in": "query",
        "required": False,
        "description": "Only the steps numbered above this one (0: all).",
        "schema": {"type": "integer", "minimum": 0, "default": 0},
    },
    "Range": {
        "name": "Range",
        "in": "header",
        "required": False,
        "description": "One byte range, 'bytes=first-[last]' or 'bytes=-suffix' (RFC 9110 "
        "clause 14.2); any other form is answered with the whole attachment.",
        "schema": {"type": "string"},
    },
    "IfRange": {
        "name": "If-Range",
        "in": "header",
        "required": False,
        "description": "Apply Range only if the attachment still has this ETag.",
        "schema": {"type": "string"},
    },
    "IfNoneMatch": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "Answer 304 when the attachment still has this ETag (and no Range applies).",
        "schema": {"type": "string"},
    },
}


# --- Path items -----------------------------------------------------------------------------


def _camel(flow_id: str) -> str:
    """``split-inference`` -> ``SplitInference``."""
    return "".join(word.capitalize() for word in flow_id.split("-"))


def _tag(flow_id: str) -> dict[str, str]:
    flow = get_flow(flow_id)
    return {
        "name": flow_id,
        "description": f"{flow.title}: {TR_EDITION}, clause {flow.clause} ({flow.figure}), "
        f"network side, under {api_root(flow_id)}.",
    }


def _session_items(flow_id: str) -> dict[str, dict[str, Any]]:
    flow = get_flow(flow_id)
    name = _camel(flow_id)
    tags = [flow_id]
    sessions = f"{api_root(flow_id)}/sessions"
    one = f"{sessions}/{{sessionId}}"
    attachment_responses = {
        "200": {
            "description": "The whole attachment.",
            "headers": _headers(*_ATTACHMENT_HEADERS),
            "content": {OCTET_STREAM: {"schema": _BYTES}},
        },
        "206": {
            "description": "The range asked for.",
            "headers": _headers(*_ATTACHMENT_HEADERS, "Content-Range"),
            "content": {OCTET_STREAM: {"schema": _BYTES}},
        },
        "304": {
            "description": "Not Modified: the attachment still has the ETag of If-None-Match.",
            "headers": _headers(*_ATTACHMENT_HEADERS),
        },
        **_errors(400, 401, 404, 416),
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
                    "content": {JSON: {"schema": _ref("schemas", "SessionCreation")}},
                },
                "responses": {
                    "201": {
                        "description": "Created.",
                        "headers": {"Location": _ref("headers", "Location")},
                        "content": {JSON: {"schema": _ref("schemas", "SessionResource")}},
                    },
                    **_errors(400, 401, 413, 422, 429),
                },
            }
        },
        one: {
            "parameters": [_ref("parameters", "SessionId")],
            "get": {
                "operationId": f"retrieve{name}Session",
                "summary": "Read the session",
                "description": "Its state, the steps performed so far and the steps allowed next.",
                "tags": tags,
                "responses": {
                    "200": {
                        "description": "The session.",
                        "content": {JSON: {"schema": _ref("schemas", "SessionResource")}},
                    },
                    **_errors(401, 404),
                },
            },
            "delete": {
                "operationId": f"delete{name}Session",
                "summary": "Close the session",
                "description": "Ends the run and releases what the implementation holds for it.",
                "tags": tags,
                "responses": {"204": {"description": "Deleted."}, **_errors(401, 404)},
            },
        },
        f"{one}/steps": {
            "parameters": [_ref("parameters", "SessionId")],
            "get": {
                "operationId": f"list{name}Steps",
                "summary": "Read the steps the network side performed",
                "description": "Lets the network side first perform the steps it has ready "
                "(those it performs on its own, without a request), then lists every "
                "performed step numbered above 'after'.",
                "tags": tags,
                "parameters": [_ref("parameters", "After")],
                "responses": {
                    "200": {
                        "description": "The performed steps.",
                        "content": {JSON: {"schema": _ref("schemas", "StepList")}},
                    },
                    **_errors(400, 401, 404),
                },
            },
        },
        f"{one}/steps/{{seq}}/attachments/{{name}}": {
            "parameters": [
                _ref("parameters", "SessionId"),
                _ref("parameters", "Seq"),
                _ref("parameters", "AttachmentName"),
            ],
            "get": {
                "operationId": f"retrieve{name}Attachment",
                "summary": "Download an attachment of a performed step",
                "description": "The bytes of a payload that is not JSON (a model, an "
                "intermediate data unit), whole or one byte range, to resume a cut download.",
                "tags": tags,
                "parameters": [
                    _ref("parameters", "Range"),
                    _ref("parameters", "IfRange"),
                    _ref("parameters", "IfNoneMatch"),
                ],
                "responses": attachment_responses,
            },
            "head": {
                "operationId": f"check{name}Attachment",
                "summary": "Read an attachment's headers",
                "description": "As GET, without the content: its length, ETag and Repr-Digest.",
                "tags": tags,
                "parameters": [
                    _ref("parameters", "Range"),
                    _ref("parameters", "IfRange"),
                    _ref("parameters", "IfNoneMatch"),
                ],
                "responses": _bodyless(attachment_responses),
            },
        },
    }


def _multipart(route: Route) -> dict[str, Any]:
    """A step with attachments: the message and the payloads as parts."""
    assert route.message is not None
    parts: dict[str, Any] = {
        "message": {**_ref("schemas", route.message), "description": "The step's message."}
    }
    encoding: dict[str, Any] = {"message": {"contentType": JSON}}
    for name in route.attachments:
        parts[name] = {**_BYTES, "description": f"The {name} attachment's bytes."}
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
        content[JSON] = {"schema": _ref("schemas", route.message)}
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
            "content": {JSON: {"schema": _ref("schemas", "StepList")}},
        },
        **_errors(400, 401, 404, 409, 413, 415, 422),
    }
    return operation


def _paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for flow_id in flows_served():
        paths.update(_session_items(flow_id))
        for route in routes():
            if route.flow == flow_id:
                paths[route.full_path] = {
                    "parameters": [_ref("parameters", "SessionId")],
                    route.method.lower(): _step_operation(route),
                }
    return paths


def http_openapi_document() -> dict[str, Any]:
    """The binding's OpenAPI 3.1 document."""
    messages = openapi_components()
    resources = wire_components()
    if clash := sorted(set(messages) & set(resources)):
        raise ValueError(f"binding resources named like TR types: {clash}")
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "ts26927 REST binding",
            "version": __version__,
            "description": f"The REST binding of ts26927: the network side of each workflow "
            f"of {TR_EDITION} as an HTTP API, one per workflow (/ts26927-<workflow>/v1). A "
            "client opens a session of a workflow, then sends each step the network receives "
            "as a POST of the step's message; the answers list the steps the network "
            "performed. Generated by ts26927. Not a 3GPP specification: the TR defines no "
            "protocol, and this API is the library's own.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "externalDocs": {
            "description": f"{TR_EDITION}: AI/ML in 5G media services",
            "url": TR_ARCHIVE,
        },
        "servers": [
            {
                "url": "{apiRoot}",
                "variables": {
                    "apiRoot": {
                        "default": "http://127.0.0.1:8026",
                        "description": "apiRoot as defined in 3GPP TS 29.501 clause 4.4 "
                        "(the default is where 'ts26927 serve' listens).",
                    }
                },
            }
        ],
        "security": [{SECURITY: []}],
        "tags": [_tag(flow_id) for flow_id in flows_served()],
        "paths": _paths(),
        "components": {
            "schemas": {**resources, **messages},
            "responses": copy.deepcopy(RESPONSES),
            "parameters": copy.deepcopy(PARAMETERS),
            "headers": copy.deepcopy(HEADERS),
            "securitySchemes": {
                SECURITY: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token the server was started with ('ts26927 serve "
                    "--token'); a session is visible only to the token that opened it.",
                }
            },
        },
    }


# --- OpenAPI 3.0.3 ---------------------------------------------------------------------------

#: JSON Schema keywords with no OpenAPI 3.0 meaning that no converter below rewrites: a
#: component using one fails the export rather than losing a rule silently.
_UNSUPPORTED_30 = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$anchor",
        "$dynamicRef",
        "prefixItems",
        "contains",
        "dependentRequired",
        "dependentSchemas",
        "patternProperties",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contentSchema",
    }
)


def _conditional_prose(node: dict[str, Any]) -> str:
    """The rule of an ``if``/``then``/``else`` of the shape this library writes (a member
    present exactly when another has one value), in words."""
    tested = list(node["if"].get("properties", {}).items())
    member = node.get("then", {}).get("required", [])
    forbidden = node.get("else", {}).get("not", {}).get("required")
    if (
        set(node["if"]) != {"properties"}
        or len(tested) != 1
        or set(tested[0][1]) != {"const"}
        or len(member) != 1
        or forbidden != member
    ):
        raise ValueError(f"no OpenAPI 3.0 wording for the conditional {json.dumps(node)[:200]}")
    field, test = tested[0]
    return (
        f"'{member[0]}' is present exactly when '{field}' is {json.dumps(test['const'])} "
        "(a rule OpenAPI 3.0 cannot state; the 3.1 document checks it)."
    )


def schema_30(node: Any) -> Any:
    """A JSON Schema 2020-12 node as an OpenAPI 3.0 Schema Object."""
    if isinstance(node, list):
        return [schema_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    if found := _UNSUPPORTED_30 & set(node):
        raise ValueError(f"OpenAPI 3.0 has no {sorted(found)}: {json.dumps(node)[:200]}")
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-") or key in ("enum", "default", "example"):
            out[key] = value  # values and annotations, not schemas
        elif key == "properties":
            out[key] = {name: schema_30(sub) for name, sub in value.items()}
        elif key in ("if", "then", "else"):
            continue
        elif key == "examples":
            if value:
                out["example"] = value[0]
        elif key == "const":
            out["enum"] = [value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if bound in node:
                raise ValueError(f"OpenAPI 3.0 has one {bound} per schema: {node}")
            out[bound], out[key] = value, True
        elif key == "contentEncoding":
            if value != "base64":
                raise ValueError(f"OpenAPI 3.0 has no format for contentEncoding {value}")
            out["format"] = "byte"
        elif key == "contentMediaType":
            out["format"] = "binary"
        else:
            out[key] = schema_30(value)
    if "if" in node:
        rule = _conditional_prose(node)
        out["description"] = f"{out.get('description', '')}\n\n{rule}".strip()
    return _nullable(_ref_alone(out))


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """``anyOf`` with a ``null`` branch, or a list of types with ``null``, as ``nullable``."""
    types = node.get("type")
    if isinstance(types, list):
        rest = [t for t in types if t != "null"]
        if len(rest) != 1:
            raise ValueError(f"OpenAPI 3.0 has one type per schema: {types}")
        node = {**node, "type": rest[0]}
        if "null" in types:
            node["nullable"] = True
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if not isinstance(branches, list) or {"type": "null"} not in branches:
            continue
        rest = [b for b in branches if b != {"type": "null"}]
        node = {k: v for k, v in node.items() if k != key}
        if len(rest) == 1 and "$ref" not in rest[0]:
            node = {**rest[0], **node}
        else:
            node["allOf" if len(rest) == 1 else key] = rest
        node["nullable"] = True
    return node


def _ref_alone(node: dict[str, Any]) -> dict[str, Any]:
    """A ``$ref`` with siblings (3.0 ignores them) moved into ``allOf``."""
    if "$ref" in node and len(node) > 1:
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return {**rest, "allOf": [{"$ref": node["$ref"]}]}
    return node


def _document_30(node: Any) -> Any:
    """An OpenAPI document (or part) whose Schema Objects, the values of ``schema`` keys,
    are converted; the rest as it is. The component schemas are converted apart."""
    if isinstance(node, list):
        return [_document_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: schema_30(value) if key == "schema" else _document_30(value)
        for key, value in node.items()
    }


def http_openapi_30_document() -> dict[str, Any]:
    """The binding's document in OpenAPI 3.0.3, with closed enumerations: for the code
    generators that read 3GPP's files (which are 3.0) and choke on ``anyOf``. It refuses
    enumeration values this version does not know, as the closed metadata document does."""
    document = close_enumerations(http_openapi_document())
    components = document.pop("components")
    schemas = {name: schema_30(body) for name, body in components.pop("schemas").items()}
    out = _document_30({k: v for k, v in document.items() if k != "jsonSchemaDialect"})
    out["openapi"] = "3.0.3"
    out["info"]["title"] += " (OpenAPI 3.0, closed enumerations, for code generators)"
    out["info"]["license"] = {
        "name": "Apache-2.0",
        "url": "https://www.apache.org/licenses/LICENSE-2.0",
    }
    out["components"] = {"schemas": schemas, **_document_30(components)}
    return out


__all__ = [
    "HTTP_OPENAPI_30_FILE",
    "HTTP_OPENAPI_FILE",
    "WIRE_MODELS",
    "http_openapi_30_document",
    "http_openapi_document",
    "schema_30",
    "wire_components",
]
