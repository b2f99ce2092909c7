"""The harness protocol: the committed schema is the one the binding's models generate, and
the binding accepts exactly the replies the schema accepts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from ts26927.bindings.base import Output, Refusal
from ts26927.bindings.stdio_protocol import (
    BeginCommand,
    DeliverCommand,
    Errored,
    PollCommand,
    SetupCommand,
    StartCommand,
    StopCommand,
    TeardownCommand,
    encode,
    encode_attachments,
    parse_line,
    parse_reply,
    parse_started,
)
from ts26927.bindings.stdio_schema import protocol_schema, schema_text
from ts26927.errors import HarnessReplyError, HarnessVersionError

from .conftest import PROTOCOL_SCHEMA

LIMIT = 1 << 20


def test_the_committed_schema_is_generated_from_the_models() -> None:
    committed = PROTOCOL_SCHEMA.read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "conformance/protocol/stdio.schema.json is out of date; regenerate it with "
        "python -m ts26927.bindings.stdio_schema > conformance/protocol/stdio.schema.json"
    )
    Draft202012Validator.check_schema(protocol_schema())


def _parse(data: Any) -> Any:
    return parse_reply("h", "reply", data, data.get("seq", -1), LIMIT)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
names = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,8}\Z")
outputs = st.fixed_dictionaries(
    {
        "step": st.text(min_size=1, max_size=4),
        "message": st.none() | st.dictionaries(st.text(max_size=5), json_values, max_size=3),
    },
    optional={"attachments": st.dictionaries(names, st.binary(max_size=40), max_size=2)},
)
replies = st.one_of(
    st.fixed_dictionaries({"seq": st.integers(0), "outputs": st.lists(outputs, max_size=3)}),
    st.fixed_dictionaries(
        {"seq": st.integers(0), "refused": st.fixed_dictionaries({"reason": st.text(min_size=1)})}
    ),
    st.fixed_dictionaries(
        {
            "seq": st.integers(0),
            "errored": st.fixed_dictionaries(
                {"message": st.text(min_size=1)}, optional={"detail": st.text()}
            ),
        }
    ),
)


def _wire(reply: dict[str, Any]) -> dict[str, Any]:
    """The reply as JSON carries it: attachments in base64."""
    if "outputs" not in reply:
        return reply
    return {
        **reply,
        "outputs": [
            {**o, "attachments": encode_attachments(o["attachments"])} if "attachments" in o else o
            for o in reply["outputs"]
        ],
    }


@given(replies)
def test_the_schema_and_the_binding_accept_every_valid_reply(protocol_validator, reply) -> None:
    wire = _wire(reply)
    protocol_validator("StepReply").validate(wire)
    parsed = _parse(wire)
    if "refused" in reply:
        assert parsed == Refusal(reply["refused"]["reason"])
    elif "errored" in reply:
        assert isinstance(parsed, Errored) and parsed.errored.message == reply["errored"]["message"]
    else:
        assert parsed == [
            Output(o["step"], o["message"], o.get("attachments", {})) for o in reply["outputs"]
        ]


def _corrupt(reply: dict[str, Any], how: str, where: list[str | int]) -> None:
    node: Any = reply
    for key in where:
        node = node[key]
    if how == "drop":
        node.pop(next(iter(node)))
    elif how == "extra":
        node["unexpected"] = 1
    else:  # a value of the wrong type
        key = next(iter(node))
        node[key] = [] if isinstance(node[key], str | int | dict) or node[key] is None else "x"


@given(replies, st.sampled_from(["drop", "extra", "retype"]), st.integers(0, 3))
def test_the_schema_and_the_binding_refuse_the_same_broken_replies(
    protocol_validator, reply, how, depth
) -> None:
    wire = json.loads(json.dumps(_wire(reply)))
    kind = next(k for k in wire if k != "seq")
    paths: list[list[str | int]] = [[]]
    if kind != "outputs":
        paths.append([kind])
    elif wire["outputs"]:
        paths.append(["outputs", 0])
    _corrupt(wire, how, paths[depth % len(paths)])
    valid = protocol_validator("StepReply").is_valid(wire)
    try:
        _parse(wire)
        accepted = True
    except HarnessReplyError:
        accepted = False
    assert accepted == valid, wire


BAD_REPLIES: list[dict[str, Any]] = [
    {"seq": 1},
    {"seq": 1, "outputs": {}},
    {"seq": 1, "outputs": [], "refused": {"reason": "x"}},
    {"seq": 1, "outputs": [{"message": {}}]},
    {"seq": 1, "outputs": [{"step": "", "message": None}]},
    {"seq": 1, "outputs": [{"step": "2", "message": []}]},
    {"seq": 1, "outputs": [{"step": "2", "message": None, "attachments": {"a": "abc"}}]},
    {"seq": 1, "outputs": [{"step": "2", "message": None, "attachments": {"a": "ab=c"}}]},
    {"seq": 1, "outputs": [{"step": "2", "message": None, "attachments": {"a b": "AA=="}}]},
    {"seq": 1, "outputs": [{"step": "2", "message": None, "attachments": {"a": 1}}]},
    {"seq": 1, "outputs": [], "extra": True},
    {"seq": 1, "refused": {}},
    {"seq": 1, "refused": {"reason": ""}},
    {"seq": 1, "errored": {"detail": "no message"}},
]


@pytest.mark.parametrize("reply", BAD_REPLIES, ids=json.dumps)
def test_the_binding_refuses_every_reply_the_schema_refuses(protocol_validator, reply) -> None:
    assert not protocol_validator("StepReply").is_valid(reply)
    with pytest.raises(HarnessReplyError, match="harness 'h', reply"):
        _parse(reply)


def test_attachments_decode_to_their_bytes() -> None:
    data = bytes(range(256))
    reply = {"seq": 3, "outputs": [{"step": "5", "message": {}, "attachments": {}}]}
    reply["outputs"][0]["attachments"] = encode_attachments({"model": data})
    assert _parse(reply) == [Output("5", {}, {"model": data})]


def test_every_command_encodes_to_one_line_the_schema_accepts(protocol_validator) -> None:
    commands = [
        StartCommand(cmd="start", version=1),
        SetupCommand(cmd="setup", seq=1, case="c", flow="f", role="UE", state={"k": "a\nb"}),
        BeginCommand(cmd="begin", seq=2),
        DeliverCommand(
            cmd="deliver", seq=3, step="7a", message=None, attachments=encode_attachments({})
        ),
        DeliverCommand(
            cmd="deliver",
            seq=4,
            step="1",
            message={"é": [1.5]},
            attachments=encode_attachments({"unit": b"\n\0"}),
        ),
        PollCommand(cmd="poll", seq=5),
        TeardownCommand(cmd="teardown", seq=6),
        StopCommand(cmd="stop"),
    ]
    for command in commands:
        line = encode(command)
        assert line.endswith(b"\n") and line.count(b"\n") == 1
        protocol_validator("Command").validate(json.loads(line))
    assert b'"message":null' in encode(commands[3])


def test_nan_is_never_written_nor_read() -> None:
    nan = DeliverCommand(
        cmd="deliver", seq=1, step="1", message={"x": float("nan")}, attachments={}
    )
    with pytest.raises(ValueError, match="not JSON compliant"):  # never silently null
        encode(nan)
    with pytest.raises(HarnessReplyError, match="Infinity is not a JSON number"):
        parse_line("h", "reply", b'{"seq": 1, "x": Infinity}\n')


def test_the_version_is_checked_before_the_shape() -> None:
    with pytest.raises(HarnessVersionError, match="speaks protocol version None"):
        parse_started("h", {"implementation": {}})
    with pytest.raises(HarnessReplyError, match="/implementation/name"):
        parse_started("h", {"version": 1, "implementation": {"version": "1"}})


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"seq": 1, "outputs": ' + b"[" * 100_000 + b"\n", "nested too deeply"),
        (b'{"seq": 1, "seq": 2, "outputs": []}\n', "duplicate key 'seq'"),
        (b'{"seq": 1, "x": 1e999, "outputs": []}\n', "out of the binary64 range"),
    ],
)
def test_hostile_reply_lines_are_typed_reply_errors(line: bytes, reason: str) -> None:
    with pytest.raises(HarnessReplyError, match=reason):
        parse_line("h", "reply", line)
