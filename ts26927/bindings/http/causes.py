"""Every ``cause`` the REST binding answers in a Problem Details object: its HTTP status,
when it is returned, and what the body and headers add. The one list: the server raises
these, and the reference page of the binding is generated from it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cause:
    """One machine-readable ``cause`` (TS 29.571 ProblemDetails ``cause``)."""

    name: str
    status: int | None
    """The HTTP status it always comes with; None: the status of the HTTP error it wraps."""
    when: str
    """When the binding returns it, for the reader of the docs."""
    members: tuple[str, ...] = ()
    """Members the Problem Details body adds beyond ``type``, ``title``, ``status``,
    ``detail``, ``instance`` and ``cause``."""
    headers: tuple[str, ...] = ()
    """Response headers that come with it."""


INVALID_MSG_FORMAT = Cause(
    "INVALID_MSG_FORMAT",
    400,
    "The body cannot be read: not JSON, a multipart body that does not parse or has a part "
    "that is not an attachment name (or a name given twice), or a session creation body that "
    "is not a SessionCreation.",
    ("invalidParams",),
)
INVALID_MESSAGE = Cause(
    "INVALID_MESSAGE",
    400,
    "The step's message is not a valid message of the step's type (its schema, or a rule "
    "across its properties). The pointers point into the body; in a multipart body they "
    "start with /message.",
    ("invalidParams",),
)
INVALID_PARAM = Cause(
    "INVALID_PARAM",
    400,
    "A path or query parameter has the wrong type, e.g. a step number that is not an integer.",
    ("invalidParams",),
)
INVALID_QUERY_PARAM = Cause(
    "INVALID_QUERY_PARAM",
    400,
    "The query parameter after is negative.",
    ("invalidParams",),
)
MISSING_TOKEN = Cause(
    "MISSING_TOKEN",
    401,
    "The request has no Authorization: Bearer header.",
    headers=("WWW-Authenticate",),
)
INVALID_TOKEN = Cause(
    "INVALID_TOKEN",
    401,
    "The bearer token is not one the server accepts.",
    headers=("WWW-Authenticate",),
)
SESSION_NOT_FOUND = Cause(
    "SESSION_NOT_FOUND",
    404,
    "No session of this workflow has this id for this client: it never existed, was "
    "deleted or dropped when idle, runs another workflow, or another client created it (the "
    "same answer, so that ids of other clients are not revealed).",
)
RESOURCE_NOT_FOUND = Cause(
    "RESOURCE_NOT_FOUND",
    404,
    "No resource has this path, e.g. a step that no route of the workflow carries.",
)
ATTACHMENT_NOT_FOUND = Cause(
    "ATTACHMENT_NOT_FOUND",
    404,
    "The performed step has no attachment of this name.",
)
METHOD_NOT_ALLOWED = Cause(
    "METHOD_NOT_ALLOWED",
    405,
    "The resource exists but does not take this method.",
    headers=("Allow",),
)
STEP_OUT_OF_ORDER = Cause(
    "STEP_OUT_OF_ORDER",
    409,
    "The workflow's state machine does not allow this step now; the session is left as it was.",
    ("allowedSteps",),
)
BODY_TOO_LARGE = Cause(
    "BODY_TOO_LARGE",
    413,
    "The body is over the server's limit, by its Content-Length or as it streams in.",
)
UNSUPPORTED_MEDIA_TYPE = Cause(
    "UNSUPPORTED_MEDIA_TYPE",
    415,
    "A step's body is neither application/json (or another +json type) nor multipart/form-data.",
)
RANGE_NOT_SATISFIABLE = Cause(
    "RANGE_NOT_SATISFIABLE",
    416,
    "The Range of an attachment request selects none of its bytes.",
    headers=("Content-Range",),
)
STEP_REFUSED = Cause(
    "STEP_REFUSED",
    422,
    "The implementation refused a well-formed step that the workflow allows (e.g. a "
    "configuration it never offered, data that does not verify); the session is left as "
    "it was.",
)
SETUP_REFUSED = Cause(
    "SETUP_REFUSED",
    422,
    "On session creation: the implementation cannot set up the preamble, or cannot start.",
)
TOO_MANY_SESSIONS = Cause(
    "TOO_MANY_SESSIONS",
    429,
    "The server holds as many sessions as it may (idle ones are dropped in time).",
    headers=("Retry-After",),
)
SYSTEM_FAILURE = Cause(
    "SYSTEM_FAILURE",
    500,
    "The server failed unexpectedly while handling the request.",
)
HTTP_ERROR = Cause(
    "HTTP_ERROR",
    None,
    "Any other error the HTTP layer itself raises, with that error's status.",
)

#: Every cause, by status.
CAUSES: tuple[Cause, ...] = (
    INVALID_MSG_FORMAT,
    INVALID_MESSAGE,
    INVALID_PARAM,
    INVALID_QUERY_PARAM,
    MISSING_TOKEN,
    INVALID_TOKEN,
    SESSION_NOT_FOUND,
    RESOURCE_NOT_FOUND,
    ATTACHMENT_NOT_FOUND,
    METHOD_NOT_ALLOWED,
    STEP_OUT_OF_ORDER,
    BODY_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    RANGE_NOT_SATISFIABLE,
    STEP_REFUSED,
    SETUP_REFUSED,
    TOO_MANY_SESSIONS,
    SYSTEM_FAILURE,
    HTTP_ERROR,
)


def cause(name: str) -> Cause:
    """The cause named ``name`` (KeyError for a name the binding does not define)."""
    return _BY_NAME[name]


_BY_NAME = {c.name: c for c in CAUSES}


__all__ = [
    "ATTACHMENT_NOT_FOUND",
    "BODY_TOO_LARGE",
    "CAUSES",
    "HTTP_ERROR",
    "INVALID_MESSAGE",
    "INVALID_MSG_FORMAT",
    "INVALID_PARAM",
    "INVALID_QUERY_PARAM",
    "INVALID_TOKEN",
    "METHOD_NOT_ALLOWED",
    "MISSING_TOKEN",
    "RANGE_NOT_SATISFIABLE",
    "RESOURCE_NOT_FOUND",
    "SESSION_NOT_FOUND",
    "SETUP_REFUSED",
    "STEP_OUT_OF_ORDER",
    "STEP_REFUSED",
    "SYSTEM_FAILURE",
    "TOO_MANY_SESSIONS",
    "UNSUPPORTED_MEDIA_TYPE",
    "Cause",
    "cause",
]
