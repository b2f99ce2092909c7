"""The protocol from both ends: the reference engine served as a harness program passes
the suite through the stdio binding exactly as it does in-process."""

from __future__ import annotations

import io
import json
import sys

import pytest

from ts26927.bindings.base import ImplementationInfo, Output, Refusal
from ts26927.bindings.reference import ReferenceImplementation
from ts26927.bindings.stdio import StdioImplementation
from ts26927.bindings.stdio_serve import answer, main, serve
from ts26927.conformance.fixtures.profiles import SERVICE_REQUIREMENTS, UE_CAPABILITIES
from ts26927.conformance.runner import RunParameters, run_case
from ts26927.conformance.suite import load_suite
from ts26927.conformance.verdict import Verdict

SERVICE = SERVICE_REQUIREMENTS["service-digits"][1]
UE = UE_CAPABILITIES["ue-ample"][1]
SERVED = [sys.executable, "-m", "ts26927.bindings.stdio_serve"]
REFERENCE = "python:ts26927.bindings.reference:factory"
CASES = {c.id: c for c in load_suite()}
#: The served process builds the fixture models on its first case (training the digits
#: classifier takes about 20 s of CPU); a busy machine must not turn that into a timeout.
PATIENT = RunParameters(timeout_multiplier=10.0)
TRIGGER = {
    "service": "MODEL_DELIVERY",
    "sessionId": "s-1",
    "serviceRequirementInformation": SERVICE,
    "ueCapabilityInformation": UE,
}


@pytest.fixture(scope="module")
def served():
    iut = StdioImplementation([*SERVED, REFERENCE], reply_timeout_s=60.0)
    yield iut
    iut.stop()


@pytest.mark.parametrize(
    "case_id",
    [
        "5.2.2.2.1-model-delivery-001",
        "5.2.2.2.1-model-delivery-002",
        "5.2.3.2-split-inference-001",
        "5.2.3.2-split-inference-003",
    ],
)
def test_the_served_reference_passes_as_in_process(served, case_id: str) -> None:
    result = run_case(CASES[case_id], served, served.describe(), PATIENT)
    assert result.verdict is Verdict.PASS, (result.step, result.reason)


def test_the_served_reference_answers_byte_for_byte_as_in_process(served) -> None:
    local = ReferenceImplementation()
    assert served.describe() == local.describe()
    state = {"state": "model-repository", "params": {"model": "digits"}}
    for iut in (served, local):
        iut.setup("c", "model-delivery", "NETWORK", state)
    assert served.deliver("1", TRIGGER, {}) == local.deliver("1", TRIGGER, {})
    session = {"deliverySessionId": "d-1", "modelIdentifier": "digits"}
    delivered = served.deliver("4", session, {})
    assert delivered == local.deliver("4", session, {})
    assert isinstance(delivered, list) and len(delivered[0].attachments["model"]) > 10_000
    assert isinstance(served.deliver("1", TRIGGER, {}), Refusal)  # the flow has ended
    served.teardown()


class _Faulty:
    def describe(self) -> ImplementationInfo:
        return ImplementationInfo("faulty", "0")

    def setup(self, case_id, flow, role, state) -> None:
        if case_id == "bad":
            raise LookupError("no such state")

    def begin(self):
        return [Output("0", None, {"blob": b"\x00\xff"})]

    def deliver(self, step, message, attachments):
        raise RuntimeError("adapter bug")

    def poll(self):
        return Refusal("nothing to do")

    def teardown(self) -> None: ...

    def stop(self) -> None: ...


def test_answers_of_the_server() -> None:
    iut = _Faulty()
    assert answer(iut, {"cmd": "start", "version": 1})["implementation"]["name"] == "faulty"
    setup = {"cmd": "setup", "seq": 1, "case": "bad", "flow": "f", "role": "UE", "state": {}}
    assert answer(iut, setup) == {"seq": 1, "refused": {"reason": "LookupError: no such state"}}
    assert answer(iut, {"cmd": "begin", "seq": 2}) == {
        "seq": 2,
        "outputs": [{"step": "0", "message": None, "attachments": {"blob": "AP8="}}],
    }
    deliver = {"cmd": "deliver", "seq": 3, "step": "1", "message": None, "attachments": {}}
    errored = answer(iut, deliver)["errored"]
    assert errored["message"] == "RuntimeError: adapter bug" and "Traceback" in errored["detail"]
    assert answer(iut, {"cmd": "poll", "seq": 4}) == {
        "seq": 4,
        "refused": {"reason": "nothing to do"},
    }
    assert (
        answer(iut, {"cmd": "dance", "seq": 5})["errored"]["message"] == "unknown command 'dance'"
    )
    assert answer(iut, {"cmd": "stop"}) is None


def test_serve_stops_at_stop_and_writes_one_line_per_reply() -> None:
    commands = io.StringIO(
        '{"cmd":"start","version":1}\n{"cmd":"poll","seq":1}\n{"cmd":"stop"}\n{"cmd":"poll","seq":2}\n'
    )
    replies = io.StringIO()
    serve(_Faulty(), commands, replies)
    lines = replies.getvalue().splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["seq"] == 1


def test_usage_errors(capsys) -> None:
    assert main([]) == 2 and "usage" in capsys.readouterr().err
    assert main(["python:no.such.module:factory"]) == 2
