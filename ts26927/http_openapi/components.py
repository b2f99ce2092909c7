"""The reusable parts of the REST binding's OpenAPI documents: the schemas of the binding's own
resources (:mod:`ts26927.bindings.http.wire`), and the parameters, response headers and error
responses the path items refer to (``#/components/...``), with the media types they carry."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from ts26927.bindings.http import wire
from ts26927.bindings.http.server import MAX_BODY_BYTES
from ts26927.bindings.stdio_protocol import ATTACHMENT_NAME

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
MULTIPART = "multipart/form-data"
OCTET_STREAM = "application/octet-stream"

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


def component_ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _problem(description: str, **headers: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": component_ref("schemas", "ProblemDetails")}},
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


def header_refs(*names: str) -> dict[str, Any]:
    """Response headers by their HTTP names (``Repr-Digest``), as references."""
    return {name: component_ref("headers", name.replace("-", "")) for name in names}


ATTACHMENT_HEADERS = ("ETag", "Repr-Digest", "Accept-Ranges")
#: Bytes as a body or a part (``format: binary`` in the 3.0 document).
BYTES = {"type": "string", "contentMediaType": OCTET_STREAM}

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
        **{"WWW-Authenticate": component_ref("headers", "WwwAuthenticate")},
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
        **{"Content-Range": component_ref("headers", "UnsatisfiedRange")},
    ),
    "422": _problem(
        "Unprocessable Content. cause STEP_REFUSED: the implementation found the message "
        "unusable (the session stays where it was); SETUP_REFUSED: it cannot take the "
        "preamble."
    ),
    "429": _problem(
        "Too Many Requests. cause TOO_MANY_SESSIONS: the server holds all the sessions it "
        "can; delete finished ones.",
        **{"Retry-After": component_ref("headers", "RetryAfter")},
    ),
}


def error_responses(*statuses: int) -> dict[str, Any]:
    return {str(status): component_ref("responses", str(status)) for status in statuses}


def bodyless(responses: dict[str, Any]) -> dict[str, Any]:
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


__all__ = [
    "ATTACHMENT_HEADERS",
    "BYTES",
    "HEADERS",
    "JSON",
    "MULTIPART",
    "OCTET_STREAM",
    "PARAMETERS",
    "PROBLEM_JSON",
    "RESPONSES",
    "WIRE_MODELS",
    "bodyless",
    "component_ref",
    "error_responses",
    "header_refs",
    "wire_components",
]
