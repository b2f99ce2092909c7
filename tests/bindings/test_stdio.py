"""The stdio binding against a scripted harness: the round trip, every way a harness can
break (each with its typed error, none with a hang), timeouts, bounds and clean-up."""

from __future__ import annotations

import json
import os
import shlex
import time
from pathlib import Path

import pytest

from ts26927.bindings.base import PROTOCOL_VERSION, Output, Refusal
from ts26927.bindings.stdio import (
    MAX_ATTACHMENT_BYTES,
    START_TIMEOUT_S,
    STOP_GRACE_S,
    StdioImplementation,
    split_command,
)
from ts26927.bindings.stdio_process import MAX_LINE_BYTES
from ts26927.bindings.targets import TargetError, load_target
from ts26927.conformance.guard import CallTimeout, guarded
from ts26927.errors import (
    HarnessError,
    HarnessErroredError,
    HarnessExitedError,
    HarnessReplyError,
    HarnessSequenceError,
    HarnessSetupRefusedError,
    HarnessSizeError,
    HarnessStartError,
    HarnessTimeoutError,
    HarnessVersionError,
)

from .conftest import gone, running, scripted_argv

SETUP = ("case-1", "model-delivery", "NETWORK", {"state": "repository/digits", "params": {}})
ALL_BYTES = bytes(range(256)) * 3


def test_handshake_describes_the_implementation(harness) -> None:
    iut = harness()
    info = iut.describe()
    assert (info.name, info.version, info.language) == ("scripted", "1.2", "python")
    assert info.capabilities == frozenset({"MODEL_DELIVERY_NETWORK", "TEST"})
    assert info.homepage == "https://example.com/scripted"
    assert iut.starts == 1 and running(iut.pid)


def test_round_trip_of_messages_and_binary_attachments(harness) -> None:
    iut = harness()
    iut.setup(*SETUP)
    assert iut.begin() == []
    message = {"sessionId": "s-1", "nested": {"list": [1, 2.5, None, "é"]}}
    reply = iut.deliver("1", message, {"model": ALL_BYTES, "empty": b""})
    assert reply == [Output("1-echo", message, {"model": ALL_BYTES, "empty": b""})]
    assert iut.deliver("8", None, {}) == [Output("8-echo", None, {})]
    assert iut.poll() == [Output("polled", {"n": 1}, {})]
    iut.teardown()


def test_refusal_is_the_implementation_s_answer(harness) -> None:
    iut = harness()
    iut.setup(*SETUP)
    assert iut.deliver("refuse", {}, {}) == Refusal("step refused: out of order")
    assert iut.deliver("1", {}, {}) == [Output("1-echo", {}, {})]  # still in step


def test_errored_is_an_adapter_error_and_the_harness_stays(harness) -> None:
    iut = harness()
    iut.setup(*SETUP)
    with pytest.raises(
        HarnessErroredError, match=r"deliver \(seq 2, step errored.*database \(tb\)"
    ):
        iut.deliver("errored", {}, {})
    assert iut.deliver("1", {}, {}) == [Output("1-echo", {}, {})]
    assert iut.starts == 1


def test_every_line_on_the_wire_validates_against_the_protocol_schema(
    harness, tmp_path: Path, protocol_validator
) -> None:
    log = tmp_path / "wire.log"
    iut = harness("--log", str(log))
    iut.setup(*SETUP)
    iut.begin()
    iut.deliver("1", {"a": 1}, {"model": ALL_BYTES})
    iut.deliver("refuse", None, {})
    with pytest.raises(HarnessErroredError):
        iut.deliver("errored", None, {})
    iut.poll()
    iut.teardown()
    iut.stop()
    lines = log.read_text(encoding="utf-8").splitlines()
    commands = [json.loads(x[2:]) for x in lines if x.startswith("> ")]
    replies = [json.loads(x[2:]) for x in lines if x.startswith("< ")]
    assert [c["cmd"] for c in commands] == [
        "start", "setup", "begin", "deliver", "deliver", "deliver", "poll", "teardown", "stop"
    ]  # fmt: skip
    assert commands[0] == {"cmd": "start", "version": PROTOCOL_VERSION}
    assert [c["seq"] for c in commands[1:-1]] == list(range(1, 8))  # fresh and echoed
    assert [r.get("seq") for r in replies[1:]] == list(range(1, 8))
    for command in commands:
        protocol_validator("Command").validate(command)
    protocol_validator("Started").validate(replies[0])
    for reply in replies[1:]:
        protocol_validator("StepReply").validate(reply)


@pytest.mark.parametrize(
    ("step", "error", "match"),
    [
        ("exit", HarnessExitedError, r"exited \(status 3\).*segmentation fault"),
        ("close-stdout", HarnessExitedError, "closed its stdout"),
        ("garbage", HarnessReplyError, "not JSON.*debug: received deliver"),
        ("nan", HarnessReplyError, "NaN is not a JSON number"),
        ("array", HarnessReplyError, "expected a JSON object, got list"),
        ("wrong-seq", HarnessSequenceError, "echoes seq 9, expected 2"),
        ("no-seq", HarnessSequenceError, "echoes seq None, expected 2"),
        ("two-kinds", HarnessReplyError, r"exactly one of outputs, refused, errored"),
        ("bad-output", HarnessReplyError, "/outputs/0/step: Field required"),
        ("extra-key", HarnessReplyError, "/note: Extra inputs are not permitted"),
        ("bad-base64", HarnessReplyError, r"/outputs/0/attachments/a: attachment is not base64"),
        ("bad-name", HarnessReplyError, "/outputs/0/attachments"),
        ("big-line", HarnessSizeError, "reply line longer than 100000 bytes"),
        ("big-attachment", HarnessSizeError, "attachment larger than 50000 bytes"),
    ],
)
def test_a_broken_reply_raises_its_typed_error_and_kills_the_harness(
    harness, step: str, error: type[HarnessError], match: str
) -> None:
    iut = harness(max_line_bytes=100_000, max_attachment_bytes=50_000)
    iut.setup(*SETUP)
    pid = iut.pid
    with pytest.raises(error, match=match) as raised:
        iut.deliver(step, {}, {})
    assert raised.value.harness == iut.command
    assert f"deliver (seq 2, step {step}, case case-1)" in raised.value.where
    with pytest.raises(HarnessExitedError, match="stopped earlier"):
        iut.deliver("1", {}, {})  # its state is unknown: it is not used again
    iut.teardown()  # nothing left to tear down; the harness is reaped
    assert not running(pid) and iut.pid is None
    iut.setup(*SETUP)  # the next case starts it afresh
    assert iut.starts == 2 and iut.deliver("1", {}, {}) == [Output("1-echo", {}, {})]


@pytest.mark.parametrize(
    ("mode", "error", "match"),
    [
        ("hang", HarnessTimeoutError, r"reply to start: no answer within 0.5 s"),
        ("exit", HarnessExitedError, r"exited \(status 4\).*no licence"),
        ("garbage", HarnessReplyError, "reply to start: not JSON"),
        ("version2", HarnessVersionError, "speaks protocol version 2; this runner speaks 1"),
        ("bad-description", HarnessReplyError, "/implementation/capabilities"),
    ],
)
def test_a_broken_handshake_raises_its_typed_error_and_leaves_nothing_running(
    tmp_path: Path, mode: str, error: type[HarnessError], match: str
) -> None:
    pids = tmp_path / "pids"
    begun = time.monotonic()
    with pytest.raises(error, match=match):
        StdioImplementation(
            scripted_argv("--start", mode, "--child", str(pids)), start_timeout_s=0.5
        )
    assert time.monotonic() - begun < 3.0
    assert gone(*map(int, pids.read_text().split()))


@pytest.mark.parametrize(
    ("command", "match"),
    [
        ("", "no program given"),
        ("'unbalanced", "command line: No closing quotation"),
        ("no-such-harness-program --x", "cannot run 'no-such-harness-program'"),
    ],
)
def test_a_command_that_cannot_start(command: str, match: str) -> None:
    with pytest.raises(HarnessStartError, match=match):
        StdioImplementation(command)


def test_command_lines_are_split_like_a_shell() -> None:
    argv, text = split_command("node 'my harness.js' --repository \"a b.json\"")
    assert argv == ["node", "my harness.js", "--repository", "a b.json"]
    assert text == "node 'my harness.js' --repository \"a b.json\""
    assert split_command(["a b", "c"]) == (["a b", "c"], "'a b' c")


def test_a_harness_that_never_answers_times_out_and_is_killed(harness) -> None:
    iut = harness(reply_timeout_s=0.3)
    iut.setup(*SETUP)
    pid = iut.pid
    begun = time.monotonic()
    with pytest.raises(HarnessTimeoutError, match=r"deliver \(seq 2, step hang.*within 0.3 s"):
        iut.deliver("hang", {}, {})
    assert time.monotonic() - begun < 2.0
    iut.teardown()
    assert not running(pid)


def test_a_harness_that_stops_reading_cannot_block_a_write(harness) -> None:
    iut = harness("--ignore-stdin", reply_timeout_s=0.5)  # reads nothing after the handshake
    begun = time.monotonic()
    with pytest.raises(HarnessTimeoutError, match=r"did not read its input within 0.5 s"):
        iut.setup(*SETUP[:3], {"pad": "x" * 4_000_000})  # far beyond a pipe's buffer
    assert time.monotonic() - begun < 3.0


def test_a_chatty_stderr_never_blocks_the_harness(harness) -> None:
    iut = harness()
    iut.setup(*SETUP)
    assert iut.deliver("stderr-flood", {}, {}) == []
    with pytest.raises(HarnessExitedError) as raised:
        iut.deliver("exit", {}, {})
    assert len(str(raised.value)) < 1500  # only the tail of stderr is kept and shown


def test_a_call_the_runner_abandoned_is_ended_by_the_next_one(harness) -> None:
    iut = harness(reply_timeout_s=60.0)
    iut.setup(*SETUP)
    pid = iut.pid
    with pytest.raises(CallTimeout):
        guarded(lambda: iut.deliver("hang", {}, {}), 0.3)
    begun = time.monotonic()
    iut.teardown()  # finds the harness busy: kills it rather than wait 60 s
    assert time.monotonic() - begun < 3.0 and not running(pid)
    iut.setup(*SETUP)
    assert iut.deliver("1", {}, {}) == [Output("1-echo", {}, {})] and iut.starts == 2


def test_a_restarted_harness_must_describe_itself_as_before(harness, tmp_path: Path) -> None:
    iut = harness("--vary", str(tmp_path / "starts"))
    assert iut.describe().version == "1.1"
    iut.setup(*SETUP)
    with pytest.raises(HarnessExitedError):
        iut.deliver("exit", {}, {})
    with pytest.raises(HarnessStartError, match=r"restart: it now describes .*version='1\.2'"):
        iut.setup(*SETUP)
    assert iut.describe().version == "1.1" and iut.pid is None


def test_stop_ends_the_harness_and_everything_it_started(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    with StdioImplementation(scripted_argv("--child", str(pids))) as iut:
        iut.setup(*SETUP)
        own, child = map(int, pids.read_text().split())
        assert own == iut.pid and running(own) and running(child)
    assert not running(own) and gone(child) and iut.pid is None
    iut.stop()  # stopping twice is harmless


def test_stop_ends_a_grandchild_that_left_the_process_group(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    with StdioImplementation(scripted_argv("--child", str(pids), "--escape")) as iut:
        iut.setup(*SETUP)
        own, child = map(int, pids.read_text().split())
        assert os.getpgid(child) != os.getpgid(own), "the grandchild must have left the group"
    assert not running(own) and gone(child)


def test_stop_kills_a_harness_that_ignores_it(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    iut = StdioImplementation(
        scripted_argv("--ignore-stdin", "--child", str(pids)), stop_grace_s=0.3
    )
    begun = time.monotonic()
    iut.stop()
    assert time.monotonic() - begun < 2.0
    assert gone(*map(int, pids.read_text().split()))


def test_setup_refused_or_answered_with_steps(harness) -> None:
    iut = harness()
    with pytest.raises(
        HarnessSetupRefusedError, match=r"setup of case refuse-setup.*no such state"
    ):
        iut.setup("refuse-setup", *SETUP[1:])
    iut.setup(*SETUP)  # a refused setup leaves the harness usable
    with pytest.raises(HarnessReplyError, match="setup answers"):
        iut.setup("setup-outputs", *SETUP[1:])


def test_stdio_targets(tmp_path: Path) -> None:
    iut = load_target(f"stdio:{shlex.join(scripted_argv())}")
    try:
        assert isinstance(iut, StdioImplementation) and iut.describe().name == "scripted"
    finally:
        iut.stop()
    with pytest.raises(TargetError, match="protocol version 2"):
        load_target(f"stdio:{shlex.join(scripted_argv('--start', 'version2'))}")
    with pytest.raises(TargetError, match="no program given"):
        load_target("stdio:")


def test_the_vendor_docs_state_the_binding_s_limits() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "harness.md").read_text(encoding="utf-8")
    stated = {
        f"| starting and answering `start` | {START_TIMEOUT_S:g} s |",
        f"| one reply line | {MAX_LINE_BYTES >> 20} MiB |",
        f"| one attachment (decoded) | {MAX_ATTACHMENT_BYTES >> 20} MiB |",
        f"| exiting after `stop` | {STOP_GRACE_S:g} s, then",
        f"This is version **{PROTOCOL_VERSION}** of the protocol",
    }
    assert {s for s in stated if s not in docs} == set()
