"""The documented formats and the protocol: the unit codec reproduces the worked example of
the format page, a model file that is not ONNX fails where it is delivered, and every line
the harness writes (model delivery and split inference) validates against the protocol
schema."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ts26927.bindings.stdio import StdioImplementation
from ts26927.conformance.runner import run_case
from ts26927.conformance.suite import DEFAULT_CASES, load_suite
from ts26927.conformance.verdict import Verdict

from ..conftest import ROOT
from .support import (
    FOLDER,
    NODE,
    Session,
    doctored_fixtures,
    document,
    float_unit,
    harness_argv,
    needs_node,
    repository_state,
)

pytestmark = needs_node


WORKED_EXAMPLE = """
const { decodeUnit, encodeUnit } = require('./unit.js');
const unit = Buffer.from(require('node:fs').readFileSync(0, 'utf8'), 'hex');
const { header, tensors } = decodeUnit(unit);
const information = { ...header.intermediateDataInformation };
delete information.compressionAlgorithms;
const features = Buffer.alloc(24);
[0.0, 0.5, 1.0, 1.5, -0.25, 2.75].forEach((x, i) => features.writeFloatLE(x, 4 * i));
const indices = Buffer.alloc(24);
[7n, -1n, 256n].forEach((x, i) => indices.writeBigInt64LE(x, 8 * i));
const again = encodeUnit({ splitPointInformation: header.splitPointInformation, information,
  chain: header.intermediateDataInformation.compressionAlgorithms, tensors: [
    { name: 'features', type: 'FLOAT', shape: [2, 3], bytes: features },
    { name: 'indices', type: 'INT64', shape: [3], bytes: indices }] });
const restored = tensors[0].bytes;
console.log(JSON.stringify({ same: again.equals(unit), indices: tensors[1].bytes.equals(indices),
  restored: [0, 1, 2, 3, 4, 5].map((i) => restored.readFloatLE(4 * i)) }));
"""


def test_its_unit_codec_follows_the_documented_worked_example() -> None:
    """The harness decodes the unit the format page dumps to the values it lists, and
    encodes the page's inputs to the very same bytes (INT8 on a FLOAT tensor, an INT64
    tensor left as it is, 64-byte alignment)."""
    page = (ROOT / "docs" / "reference" / "intermediate-data-unit.md").read_text(encoding="utf-8")
    dump = page[page.index("Every byte of the unit") :].split("```text")[1].split("```")[0]
    hexes = [line[10:58] for line in dump.strip().splitlines() if "|" in line]
    unit = "".join("".join(h.split()) for h in hexes)
    done = subprocess.run(
        [str(NODE), "-e", WORKED_EXAMPLE],
        cwd=FOLDER,
        input=unit,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    answer = json.loads(done.stdout)
    assert answer["same"] is True and answer["indices"] is True
    restored = [0.0, 0.49411765, 1.0, 1.5058824, -0.24705882, 2.7529411]
    assert answer["restored"] == pytest.approx(restored, rel=1e-7)


@pytest.mark.parametrize(
    ("case_id", "garbage", "step"),
    [
        ("5.2.2.2.1-model-delivery-001", ["models/digits.onnx"], "5"),
        (
            "5.2.3.2-split-inference-001",
            [f"split-points/digits/{n}/first.onnx" for n in range(1, 7)],
            "13",
        ),
    ],
)
def test_a_model_that_is_not_onnx_fails_where_it_is_delivered(
    fixtures: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    case_id: str,
    garbage: list[str],
    step: str,
) -> None:
    if "split" in case_id:
        request.getfixturevalue("runtime")
    doctored = doctored_fixtures(fixtures, tmp_path / "fixtures", *garbage)
    case = next(c for c in load_suite(DEFAULT_CASES) if c.id == case_id)
    with StdioImplementation(harness_argv(doctored)) as iut:
        result = run_case(case, iut, iut.describe())
    assert (result.verdict, result.step) == (Verdict.FAIL, step), result.reason


def test_every_line_it_writes_validates_against_the_protocol_schema(
    fixtures: Path,
    runtime: None,
    protocol_validator: Callable[[str], Draft202012Validator],
) -> None:
    ue = document(fixtures, "ueCapabilities", "ue-ample")  # NONE and ZSTD: the chain is NONE
    service = document(fixtures, "serviceRequirements", "service-digits")
    request = {
        "sessionId": "s",
        "serviceRequirementInformation": service,
        "ueCapabilityInformation": ue,
    }
    trigger = {**request, "service": "MODEL_DELIVERY"}
    subset = {"deliverySessionId": "d", "modelIdentifier": "digits", "subset": "UE_SUBSET"}
    harness = Session(harness_argv(fixtures))
    kinds = []

    def kind(reply: dict[str, Any]) -> dict[str, Any]:
        kinds.append(next(k for k in reply if k != "seq"))
        return reply

    harness.send({"cmd": "start", "version": 1})
    setup = {"cmd": "setup", "case": "c", "flow": "model-delivery", "role": "NETWORK"}
    kind(harness.send({**setup, "state": repository_state(fixtures)}))
    kind(harness.send({"cmd": "begin"}))
    kind(harness.deliver("4", {}))
    kind(harness.deliver("1", trigger))
    kind(harness.deliver("4", {"deliverySessionId": "d", "modelIdentifier": "digits"}))
    kind(harness.send({"cmd": "poll"}))
    kind(harness.send({"cmd": "teardown"}))
    kind(harness.deliver("1", trigger))
    for topology in ("NETWORK_SOURCE", "UE_SOURCE_UE_FIRST"):
        state = repository_state(fixtures, topology=topology, sample=3)
        kind(harness.send({**setup, "flow": "split-inference", "state": state}))
        kind(harness.deliver("0", {"sessionId": "s"}))
        decided = kind(harness.deliver("2a", request))
        info = decided["outputs"][4]["message"]["intermediateDataInformation"]
        point = decided["outputs"][4]["message"]["splitPointInformation"]
        kind(harness.deliver("12", subset))
        polled = kind(harness.send({"cmd": "poll"}))
        if topology == "NETWORK_SOURCE":
            assert [o["step"] for o in polled["outputs"]] == ["15a", "16a"]
            kind(harness.deliver("17a", {"sessionId": "i"}))
            sent = kind(
                harness.deliver("17a", {"sessionId": "i", "intermediateDataInformation": info})
            )
            assert [o["step"] for o in sent["outputs"]] == ["18a"]
        else:
            assert [o["step"] for o in polled["outputs"]] == ["17b"]
            [tensor] = info["tensors"]
            unit = float_unit(point, info, bytes(4 * tensor["tensorShape"][1]))
            message = {"sequenceNumber": 0, "splitPointIdentifier": point["splitPointIdentifier"]}
            answered = kind(harness.deliver("18b", {**message, "size": len(unit)}, unit=unit))
            assert [o["step"] for o in answered.get("outputs", [])] == ["19b", "20b"], answered
        kind(harness.send({"cmd": "teardown"}))
    kind(harness.send({**setup, "flow": "split-inference", "role": "UE", "state": {}}))
    assert harness.stop() == 0
    replies = [json.loads(line) for line in harness.lines]
    protocol_validator("Started").validate(replies[0])
    for reply in replies[1:]:
        protocol_validator("StepReply").validate(reply)
    assert [r["seq"] for r in replies[1:]] == list(range(1, len(replies)))
    assert kinds[:8] == ["outputs", "outputs", "refused", "outputs", "outputs", "outputs",
                         "outputs", "errored"]  # fmt: skip
    assert kinds[13:15] == ["refused", "outputs"] and kinds[-1] == "refused"
