"""The harness protocol on the wire: one JSON object per line, its commands and replies as
pydantic models (the source of ``conformance/protocol/stdio.schema.json``, see
:mod:`.stdio_schema`), and the parsing of a harness's replies into typed errors that say
where they went wrong.

Version 1, Bowtie-shaped: ``start`` (answered with the implementation's description),
``setup``/``begin``/``deliver``/``poll``/``teardown`` (each carrying a ``seq`` the reply
echoes), ``stop`` (no reply). See ``docs/harness.md``.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)

from ts26927.bindings.base import PROTOCOL_VERSION, ImplementationInfo, Output, Refusal, Reply
from ts26927.errors import (
    HarnessReplyError,
    HarnessSequenceError,
    HarnessSizeError,
    HarnessVersionError,
)
from ts26927.models import wire_json
from ts26927.models.wire_errors import pointer

ATTACHMENT_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
#: Standard base64 with padding: what ``decode_attachment`` accepts, stated for validators.
BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"

Seq = Annotated[int, Field(ge=0, description="Sequence number; the reply echoes it.")]
Attachments = Annotated[
    dict[
        Annotated[str, StringConstraints(pattern=ATTACHMENT_NAME)],
        Annotated[
            str,
            WithJsonSchema({"type": "string", "contentEncoding": "base64", "pattern": BASE64}),
        ],
    ],
    Field(
        description="Payloads that are not JSON (model files, intermediate data units, "
        "arrays as .npy), by name, each standard base64 (RFC 4648, with padding).",
        json_schema_extra={"additionalProperties": False},
    ),
]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- commands (test system -> harness) ------------------------------------------------------
class StartCommand(_Wire):
    """First line: the protocol version the runner speaks. Answered with ``Started``."""

    cmd: Literal["start"]
    version: int = Field(ge=1, description="Protocol version.")


class SetupCommand(_Wire):
    """Prepare for a case: the flow, the side the implementation plays, the preamble."""

    cmd: Literal["setup"]
    seq: Seq
    case: str = Field(min_length=1, description="Case id, e.g. 5.2.2.2.1-model-delivery-001.")
    flow: str = Field(min_length=1, description="Workflow id, e.g. model-delivery.")
    role: Literal["UE", "NETWORK"] = Field(description="The side the implementation plays.")
    state: dict[str, Any] = Field(
        description='The preamble: {"state": named state, "params": run parameters}.'
    )


class BeginCommand(_Wire):
    """Perform the steps the implementation starts with, before waiting (often none)."""

    cmd: Literal["begin"]
    seq: Seq


class DeliverCommand(_Wire):
    """One step the test system performs towards the implementation."""

    cmd: Literal["deliver"]
    seq: Seq
    step: str = Field(min_length=1, description="TR step id as printed, e.g. 1, 7a, 15b.")
    message: dict[str, Any] | None = Field(description="The step's message; null for actions.")
    attachments: Attachments


class PollCommand(_Wire):
    """Perform any further steps the implementation has ready (the runner waits for one)."""

    cmd: Literal["poll"]
    seq: Seq


class TeardownCommand(_Wire):
    """The case is over: forget its state."""

    cmd: Literal["teardown"]
    seq: Seq


class StopCommand(_Wire):
    """Last line: exit. Not answered; the runner kills what is still running shortly after."""

    cmd: Literal["stop"]


Command = Annotated[
    StartCommand
    | SetupCommand
    | BeginCommand
    | DeliverCommand
    | PollCommand
    | TeardownCommand
    | StopCommand,
    Field(discriminator="cmd"),
]


# -- replies (harness -> test system) -------------------------------------------------------
class ImplementationDescription(_Wire):
    """Who the implementation is and what it supports (its ICS)."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    language: str = Field(min_length=1, description="Language it is written in.")
    capabilities: list[str] = Field(
        description="Capabilities the case applicability expressions test, e.g. "
        "MODEL_DELIVERY_NETWORK."
    )
    homepage: str = ""
    ixit: dict[str, Any] = Field(
        default_factory=dict,
        description="The implementation's choices where the TR leaves them open (IXIT), by "
        'item name, e.g. {"federatedAggregation": "FEDAVG"}; see the IXIT list in the docs.',
    )

    def to_info(self) -> ImplementationInfo:
        return ImplementationInfo(
            name=self.name,
            version=self.version,
            language=self.language,
            capabilities=frozenset(self.capabilities),
            homepage=self.homepage,
            ixit=self.ixit,
        )


class Started(_Wire):
    """Answer to ``start``; a version other than the runner's stops the harness at once."""

    version: int = Field(ge=1, description="Protocol version the harness speaks.")
    implementation: ImplementationDescription


class OutputItem(_Wire):
    """One step the implementation performed, in order."""

    step: str = Field(min_length=1, description="TR step id as printed.")
    message: dict[str, Any] | None = Field(description="The step's message; null for actions.")
    attachments: Attachments = Field(default_factory=dict)


class Outputs(_Wire):
    """The steps performed next (possibly none); the answer to setup and teardown is []."""

    seq: Seq
    outputs: list[OutputItem]


class RefusedReason(_Wire):
    reason: str = Field(min_length=1)


class Refused(_Wire):
    """The implementation refused the step (out of order, malformed) or cannot set up."""

    seq: Seq
    refused: RefusedReason


class ErroredContext(_Wire):
    message: str = Field(min_length=1)
    detail: str | None = Field(default=None, description="E.g. a stack trace.")


class Errored(_Wire):
    """The harness itself failed; the implementation gave no answer (an error verdict)."""

    seq: Seq
    errored: ErroredContext


StepReply = Outputs | Refused | Errored
_REPLY_KEYS: dict[str, type[Outputs] | type[Refused] | type[Errored]] = {
    "outputs": Outputs,
    "refused": Refused,
    "errored": Errored,
}


# -- encoding and parsing -----------------------------------------------------------------
def encode(command: _Wire) -> bytes:
    """One line of JSON (UTF-8, newline-terminated; NaN is not JSON, so it is refused)."""
    data = command.model_dump(mode="python")  # already JSON types; "json" would null a NaN
    return (
        json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
        + b"\n"
    )


def encode_attachments(attachments: dict[str, bytes]) -> dict[str, str]:
    return {name: base64.b64encode(data).decode("ascii") for name, data in attachments.items()}


def parse_line(harness: str, where: str, line: bytes) -> dict[str, Any]:
    """The JSON object on ``line``, or :class:`HarnessReplyError`."""
    try:
        data = wire_json.loads(line)
    except wire_json.JsonTextError as error:
        shown = line[:80].decode("utf-8", "replace").rstrip("\n")
        raise HarnessReplyError(harness, where, f"not JSON ({error}): {shown!r}") from None
    if not isinstance(data, dict):
        raise HarnessReplyError(
            harness, where, f"expected a JSON object, got {type(data).__name__}"
        )
    return data


def _shape_error(harness: str, where: str, data: Any, error: ValidationError) -> HarnessReplyError:
    found = []
    for item in error.errors(include_url=False):
        # Keep the keys and indexes the reply has (pydantic adds type tags), plus the name
        # of a missing property.
        path, node = [], data
        for key in item["loc"]:
            if (isinstance(node, dict) and key in node) or (
                isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
            ):
                path.append(key)
                node = node[key]
            elif item["type"] == "missing" and isinstance(node, dict):
                path.append(key)
        found.append(f"{pointer(path) or '/'}: {item['msg']}")
    return HarnessReplyError(harness, where, f"not a valid reply: {'; '.join(found)}")


def parse_started(harness: str, data: dict[str, Any]) -> ImplementationInfo:
    """The implementation described by the answer to ``start``."""
    where = "reply to start"
    version = data.get("version")
    if version != PROTOCOL_VERSION:
        raise HarnessVersionError(
            harness,
            where,
            f"speaks protocol version {version!r}; this runner speaks {PROTOCOL_VERSION}",
        )
    try:
        started = Started.model_validate(data)
    except ValidationError as error:
        raise _shape_error(harness, where, data, error) from None
    return started.implementation.to_info()


def parse_reply(
    harness: str, where: str, data: dict[str, Any], seq: int, max_attachment_bytes: int
) -> Reply | Errored:
    """The reply to command ``seq``: outputs, a refusal, or the harness's own error."""
    if data.get("seq") != seq:
        raise HarnessSequenceError(
            harness, where, f"the reply echoes seq {data.get('seq')!r}, expected {seq}"
        )
    kinds = [key for key in _REPLY_KEYS if key in data]
    if len(kinds) != 1:
        raise HarnessReplyError(
            harness, where, f"a reply holds exactly one of outputs, refused, errored; got {kinds}"
        )
    try:
        reply = _REPLY_KEYS[kinds[0]].model_validate(data)
    except ValidationError as error:
        raise _shape_error(harness, where, data, error) from None
    if isinstance(reply, Errored):
        return reply
    if isinstance(reply, Refused):
        return Refusal(reply.refused.reason)
    return [
        Output(
            item.step,
            item.message,
            {
                name: decode_attachment(
                    harness,
                    f"{where} /outputs/{index}/attachments/{name}",
                    text,
                    max_attachment_bytes,
                )
                for name, text in item.attachments.items()
            },
        )
        for index, item in enumerate(reply.outputs)
    ]


def decode_attachment(harness: str, where: str, text: str, limit: int) -> bytes:
    # Bound the size before decoding: base64 holds 3 bytes in every 4 characters.
    if len(text) // 4 * 3 > limit + 2:
        raise HarnessSizeError(harness, where, f"attachment larger than {limit} bytes")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise HarnessReplyError(harness, where, f"attachment is not base64: {error}") from None
    if len(data) > limit:
        raise HarnessSizeError(harness, where, f"attachment of {len(data)} bytes > {limit}")
    return data
