"""The JSON Schema of the harness protocol, generated from the wire models of
:mod:`.stdio_protocol` and committed as ``conformance/protocol/stdio.schema.json``; a test
keeps the two equal.

    python -m ts26927.bindings.stdio_schema > conformance/protocol/stdio.schema.json
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from ts26927.bindings.base import PROTOCOL_VERSION
from ts26927.bindings.stdio_protocol import (
    BeginCommand,
    DeliverCommand,
    Errored,
    Outputs,
    PollCommand,
    Refused,
    SetupCommand,
    StartCommand,
    Started,
    StopCommand,
    TeardownCommand,
)

SCHEMA_ID = f"urn:ts26927:protocol:stdio:{PROTOCOL_VERSION}"


class _NoTitles(GenerateJsonSchema):
    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


_COMMANDS = (
    StartCommand,
    SetupCommand,
    BeginCommand,
    DeliverCommand,
    PollCommand,
    TeardownCommand,
    StopCommand,
)
_REPLIES = (Started, Outputs, Refused, Errored)


def protocol_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of every line of the protocol; ``#/$defs/Command``,
    ``#/$defs/Started`` and ``#/$defs/StepReply`` validate one kind of line each."""
    _, top = models_json_schema(
        [(model, "validation") for model in (*_COMMANDS, *_REPLIES)],
        ref_template="#/$defs/{model}",
        schema_generator=_NoTitles,
    )
    defs = dict(sorted(top["$defs"].items()))
    defs["Command"] = {
        "description": "A line the test system writes to the harness's stdin.",
        "oneOf": [{"$ref": f"#/$defs/{m.__name__}"} for m in _COMMANDS],
    }
    defs["StepReply"] = {
        "description": "The harness's answer to setup, begin, deliver, poll or teardown.",
        "oneOf": [{"$ref": f"#/$defs/{m.__name__}"} for m in (Outputs, Refused, Errored)],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"ts26927 harness protocol, version {PROTOCOL_VERSION}",
        "description": "One JSON object per line over a harness program's stdin (commands) "
        "and stdout (replies). See docs/harness.md.",
        "oneOf": [
            {"$ref": "#/$defs/Command"},
            {"$ref": "#/$defs/Started"},
            {"$ref": "#/$defs/StepReply"},
        ],
        "$defs": defs,
    }


def schema_text() -> str:
    return json.dumps(protocol_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # regenerate: python -m ts26927.bindings.stdio_schema > FILE
    print(schema_text(), end="")
