"""The example harness in another language (Node.js, conformance/harness/node) passes every
case its capabilities make applicable, refuses what it must, and speaks the protocol's
schema. Its repository holds the digits classifier, written here as a real ONNX file."""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest

from ts26927.bindings.base import Refusal
from ts26927.bindings.stdio import StdioImplementation
from ts26927.cli import main
from ts26927.conformance.fixtures import SERVICE, UE
from ts26927.conformance.runner import run_case
from ts26927.conformance.suite import load_suite
from ts26927.conformance.verdict import Verdict
from ts26927.engine.digits import digits_classifier
from ts26927.errors import HarnessSetupRefusedError

from .conftest import ROOT

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (node not found)")
HARNESS = ROOT / "conformance" / "harness" / "node" / "harness.js"
CASES = ROOT / "conformance" / "cases"
TRIGGER = {
    "service": "MODEL_DELIVERY",
    "sessionId": "s-1",
    "serviceRequirementInformation": SERVICE,
    "ueCapabilityInformation": UE,
}
SETUP = ("c", "model-delivery", "NETWORK", {"state": "repository/digits", "params": {}})


def _repository(folder: Path, model: bytes) -> Path:
    classifier = digits_classifier()
    (folder / "digits.onnx").write_bytes(model)
    entry = {
        "modelIdentifier": "digits",
        "file": "digits.onnx",
        "numberOfParameters": int(
            sum(int(np.prod(t.dims)) for t in classifier.model.graph.initializer)
        ),
        "accuracy": round(classifier.accuracy, 2),
        "formatFramework": [{"name": "ONNX", "version": onnx.__version__.split("+")[0]}],
    }
    catalog = folder / "catalog.json"
    catalog.write_text(json.dumps({"models": [entry]}), encoding="utf-8")
    return catalog


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("node-repository")
    return _repository(folder, digits_classifier().model.SerializeToString())


def _argv(catalog: Path) -> list[str]:
    return [str(NODE), str(HARNESS), "--repository", str(catalog)]


def _run(catalog: Path, tmp_path: Path, *selection: str) -> tuple[int, dict]:
    report = tmp_path / "report.json"
    target = f"stdio:{shlex.join(_argv(catalog))}"
    arguments = ["--cases", str(CASES), "--target", target, "--report", str(report)]
    code = main(["conformance", "run", *arguments, *selection])
    return code, json.loads(report.read_text(encoding="utf-8"))


def test_the_node_harness_passes_the_model_delivery_cases(catalog: Path, tmp_path: Path) -> None:
    code, report = _run(catalog, tmp_path, "--case", "5.2.2.2.1-*", "--role", "network")
    assert code == 0, report["results"]
    assert report["implementation"]["language"] == "javascript"
    verdicts = {r["id"]: r["verdict"] for r in report["results"]}
    assert len(verdicts) >= 3 and set(verdicts.values()) == {"pass"}, report["results"]


def test_its_capabilities_make_only_model_delivery_applicable(
    catalog: Path, tmp_path: Path
) -> None:
    code, report = _run(catalog, tmp_path)
    assert code == 0
    for result in report["results"]:
        network_delivery = result["id"].startswith("5.2.2.2.1-") and result["role"] == "NETWORK"
        expected = "pass" if network_delivery else "not applicable"
        assert result["verdict"] == expected, result


def test_it_refuses_out_of_order_and_malformed_steps(catalog: Path) -> None:
    model = (catalog.parent / "digits.onnx").read_bytes()
    with StdioImplementation(_argv(catalog)) as iut:
        iut.setup(*SETUP)
        session = {"deliverySessionId": "d-1", "modelIdentifier": "digits"}
        assert "out of order" in _refused(iut.deliver("4", session, {}))
        assert "sessionId" in _refused(iut.deliver("1", {"service": "MODEL_DELIVERY"}, {}))
        assert "unknown properties" in _refused(iut.deliver("1", {**TRIGGER, "x": 1}, {}))
        strict = {"minimumServiceInferenceAccuracy": 99.9}
        demanding = {**TRIGGER, "serviceRequirementInformation": strict}
        assert "no model" in _refused(iut.deliver("1", demanding, {}))
        selected = iut.deliver("1", TRIGGER, {})
        assert [o.step for o in selected] == ["2", "3"]  # type: ignore[union-attr]
        assert "not one the network side receives" in _refused(iut.deliver("6", {}, {}))
        other = {**session, "modelIdentifier": "resnet50"}
        assert "was not selected" in _refused(iut.deliver("4", other, {}))
        [delivered] = iut.deliver("4", session, {})  # type: ignore[misc]
        assert delivered.step == "5" and delivered.attachments["model"] == model
        assert delivered.message["sha256"] == hashlib.sha256(model).hexdigest()
        assert delivered.message["size"] == len(model)
        with pytest.raises(HarnessSetupRefusedError, match="only the network side"):
            iut.setup("c", "split-inference", "NETWORK", {})


def _refused(reply: object) -> str:
    assert isinstance(reply, Refusal), reply
    return reply.reason


def test_a_model_that_is_not_onnx_fails_at_delivery(tmp_path: Path) -> None:
    catalog = _repository(tmp_path, b"definitely not an ONNX model " * 100)
    case = next(c for c in load_suite(CASES) if c.id == "5.2.2.2.1-model-delivery-001")
    with StdioImplementation(_argv(catalog)) as iut:
        result = run_case(case, iut, iut.describe())
    assert (result.verdict, result.step) == (Verdict.FAIL, "5"), result.reason


def test_every_line_it_writes_validates_against_the_protocol_schema(
    catalog: Path, protocol_validator
) -> None:
    commands = [
        {"cmd": "start", "version": 1},
        {"cmd": "setup", "seq": 1, "case": "c", "flow": "model-delivery", "role": "NETWORK",
         "state": {}},
        {"cmd": "begin", "seq": 2},
        {"cmd": "deliver", "seq": 3, "step": "4", "message": {}, "attachments": {}},
        {"cmd": "deliver", "seq": 4, "step": "1", "message": TRIGGER, "attachments": {}},
        {"cmd": "deliver", "seq": 5, "step": "4", "attachments": {},
         "message": {"deliverySessionId": "d", "modelIdentifier": "digits"}},
        {"cmd": "poll", "seq": 6},
        {"cmd": "teardown", "seq": 7},
        {"cmd": "deliver", "seq": 8, "step": "1", "message": TRIGGER, "attachments": {}},
        {"cmd": "stop"},
    ]  # fmt: skip
    text = "".join(json.dumps(c) + "\n" for c in commands)
    done = subprocess.run(
        _argv(catalog), input=text, capture_output=True, text=True, timeout=30, check=True
    )
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(replies) == len(commands) - 1
    protocol_validator("Started").validate(replies[0])
    for reply in replies[1:]:
        protocol_validator("StepReply").validate(reply)
    assert [r.get("seq") for r in replies[1:]] == list(range(1, 9))
    kinds = [next(k for k in r if k != "seq") for r in replies[1:]]
    assert kinds == ["outputs", "outputs", "refused", "outputs", "outputs", "outputs",
                     "outputs", "errored"]  # fmt: skip
