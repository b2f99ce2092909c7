"""The REST binding's own resources (beside the TR's messages, which travel unchanged):
sessions, performed steps, attachment links and Problem Details, as pydantic models — the
source of their schemas in the binding's OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ts26927.bindings.stdio_protocol import ATTACHMENT_NAME

SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
STEP_ID_PATTERN = r"^[0-9]{1,3}[a-z]?$"


class _Resource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Preamble(_Resource):
    """The state the network side is to be put in before the workflow starts, as a
    conformance case's preamble names it (``state``) with its run parameters (``params``):
    see the preamble states in the docs. A deployed service may ignore a ``null`` state."""

    state: str | None = Field(default=None, description="Named preamble state, e.g. 'idle'.")
    params: dict[str, Any] = Field(
        default_factory=dict, description="Run parameters of the state (model, fixtures…)."
    )


class SessionCreation(_Resource):
    """Body of ``POST /ts26927-{flow}/v1/sessions``: opens one run of the workflow."""

    caseId: str | None = Field(
        default=None,
        max_length=200,
        description="The conformance case being run, if any (for the server's logs).",
    )
    preamble: Preamble = Field(default_factory=Preamble)


class AttachmentLink(_Resource):
    """A payload that is not JSON, performed with a step: fetch it from ``href``."""

    name: str = Field(pattern=ATTACHMENT_NAME, description="The attachment's name, e.g. model.")
    href: str = Field(description="Absolute path of the attachment resource on this server.")
    size: int = Field(ge=0, description="Length in bytes.")
    reprDigest: str = Field(
        description="The Repr-Digest the resource is served with (RFC 9530), 'sha-256=:<base64>:'."
    )


class PerformedStep(_Resource):
    """One step the network side performed, numbered in the order it performed them."""

    seq: int = Field(ge=1, description="1 for the session's first performed step, and so on.")
    step: str = Field(pattern=STEP_ID_PATTERN, description="The TR's step id, e.g. 4a.")
    sender: str = Field(description="The logical function that sent it, e.g. NETWORK_APPLICATION.")
    receiver: str = Field(description="The logical function it went to.")
    message: dict[str, Any] | None = Field(
        description="The step's message (its type is the step's, per the flow table); null "
        "for an action inside one function."
    )
    attachments: list[AttachmentLink] = Field(
        default_factory=list,
        description="Payloads that are not JSON performed with the step (a model file, an "
        "intermediate data unit, an array as .npy), each to fetch from its link.",
    )


class StepList(_Resource):
    """Steps the network side performed: in answer to a request, or read from ``…/steps``."""

    performed: list[PerformedStep]
    allowedSteps: list[str] = Field(
        description="The steps the workflow allows next, whoever performs them."
    )


class SessionResource(_Resource):
    """A run of one workflow: its id, its place in the state machine, and its steps."""

    sessionId: str = Field(
        pattern=SESSION_ID_PATTERN,
        description="Unguessable id the server assigns; only the creating client sees it.",
    )
    flow: str = Field(description="Workflow id, e.g. split-inference.")
    clause: str = Field(description="The TR clause of the workflow, e.g. 5.2.3.2.")
    state: str = Field(description="The state machine's state.")
    performed: list[PerformedStep] = Field(
        description="Steps performed so far (on creation: the ones the network starts with)."
    )
    allowedSteps: list[str] = Field(
        description="The steps the workflow allows next, whoever performs them."
    )


class InvalidParam(_Resource):
    """Which part of the request was wrong (TS 29.571 InvalidParam)."""

    param: str = Field(
        description="A JSON Pointer into the body, or 'query <name>' / 'header <name>'."
    )
    reason: str | None = Field(default=None, description="Why it is wrong.")


class ProblemDetails(BaseModel):
    """An error, as ``application/problem+json`` (RFC 9457, with TS 29.571's ``cause`` and
    ``invalidParams``). Members beyond these may be added (``allowedSteps`` on a 409)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank", description="Problem type URI (RFC 9457).")
    title: str = Field(description="Short summary of the status, e.g. Conflict.")
    status: int = Field(ge=400, le=599, description="The HTTP status code.")
    detail: str | None = Field(
        default=None, description="What was wrong and where, for a person to read."
    )
    instance: str | None = Field(default=None, description="The path of the request.")
    cause: str = Field(description="Machine-readable cause, e.g. STEP_OUT_OF_ORDER.")
    invalidParams: list[InvalidParam] | None = None
    allowedSteps: list[str] | None = Field(
        default=None, description="On a 409: the steps the workflow allows now."
    )


__all__ = [
    "SESSION_ID_PATTERN",
    "STEP_ID_PATTERN",
    "AttachmentLink",
    "InvalidParam",
    "PerformedStep",
    "Preamble",
    "ProblemDetails",
    "SessionCreation",
    "SessionResource",
    "StepList",
]
