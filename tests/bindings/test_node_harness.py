"""The example harness in another language (Node.js, conformance/harness/node) plays the
network side of generic model delivery and of split inference, and the UE side of adaptive
model delivery, from the exported fixtures and the documented formats alone: it passes
every case its capabilities make applicable, refuses what it must, and speaks the
protocol's schema.

It needs ``node``, and ``onnxruntime-node`` installed into the harness folder (done here
with npm, ``--ignore-scripts``, from npm's cache when it can); without them the tests skip
and say why."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from ts26927.bindings.base import Refusal
from ts26927.bindings.stdio import StdioImplementation
from ts26927.cli import main
from ts26927.conformance.builders.adaptive_delivery import _manifest, network_model
from ts26927.conformance.runner import run_case
from ts26927.conformance.suite import DEFAULT_CASES, load_suite
from ts26927.conformance.verdict import Verdict
from ts26927.engine.delivery.embedded import embedded_repository
from ts26927.errors import HarnessSetupRefusedError

from .conftest import ROOT

NODE = shutil.which("node")
NPM = shutil.which("npm")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (node not found)")
FOLDER = ROOT / "conformance" / "harness" / "node"
HARNESS = FOLDER / "harness.js"
NPM_TIMEOUT_S = 300
SPLIT_CAPABILITIES = [
    "SPLIT_INFERENCE_NETWORK",
    "SPLIT_NETWORK_DECIDES",
    "SPLIT_UE_DECIDES",
    "SPLIT_DATA_SOURCE_UE",
    "SPLIT_DATA_SOURCE_NETWORK",
]
#: Cases of the split-inference globs this harness does not play, and why.
NOT_APPLICABLE = {
    "5.2.3.2-split-inference-network-source-001": "basic flow (SPLIT_BASIC_NETWORK)",
    "5.2.3.2-split-inference-ue-source-001": "basic flow (SPLIT_BASIC_NETWORK)",
    "5.2.3.2-split-inference-ue-source-002": "basic flow (SPLIT_BASIC_NETWORK)",
}


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> Path:
    """Every fixture the cases use, exported as a vendor gets them."""
    folder = tmp_path_factory.mktemp("node-harness") / "fixtures"
    assert main(["conformance", "fixtures", "export", str(folder)]) == 0
    return folder


def _runtime_problem() -> str | None:
    check = "require('onnxruntime-node').env.versions"
    done = subprocess.run(
        [str(NODE), "-e", check], cwd=FOLDER, capture_output=True, text=True, timeout=60
    )
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1]


@pytest.fixture(scope="module")
def runtime() -> None:
    """onnxruntime-node in the harness folder: installed by npm if it is not there yet."""
    if _runtime_problem() is None:
        return
    if NPM is None:
        pytest.skip("npm is not installed: cannot install onnxruntime-node for the Node harness")
    command = [NPM, "ci", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"]
    try:
        done = subprocess.run(
            command, cwd=FOLDER, capture_output=True, text=True, timeout=NPM_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"npm ci took over {NPM_TIMEOUT_S} s (is the registry reachable?)")
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if not line.strip().endswith(")")]
        why = " | ".join(lines[:4])
        pytest.skip(f"npm could not install onnxruntime-node (is the registry reachable?): {why}")
    if problem := _runtime_problem():
        pytest.skip(f"onnxruntime-node was installed but does not load: {problem}")


def _argv(fixtures: Path) -> list[str]:
    return [str(NODE), str(HARNESS), "--fixtures", str(fixtures)]


def _run(fixtures: Path, folder: Path, *selection: str) -> dict[str, Any]:
    report = folder / "report.json"
    target = f"stdio:{shlex.join(_argv(fixtures))}"
    code = main(["conformance", "run", "--target", target, "--report", str(report), *selection])
    result = json.loads(report.read_text(encoding="utf-8"))
    assert code == (0 if result["succeeded"] else 1)
    return result


@pytest.fixture(scope="module")
def suite_report(fixtures: Path, runtime: None, tmp_path_factory) -> dict[str, Any]:
    """The whole suite against the harness, once."""
    return _run(fixtures, tmp_path_factory.mktemp("node-run"))


def _verdicts(report: dict[str, Any], prefix: str, role: str = "NETWORK") -> dict[str, str]:
    return {
        r["id"]: r["verdict"]
        for r in report["results"]
        if r["id"].startswith(prefix) and r["role"] == role
    }


def test_it_declares_split_inference_truthfully(suite_report: dict[str, Any]) -> None:
    implementation = suite_report["implementation"]
    assert implementation["language"] == "javascript"
    declared = {"MODEL_DELIVERY_NETWORK", *SPLIT_CAPABILITIES, "ADAPTIVE_DELIVERY_UE"}
    assert declared == set(implementation["capabilities"])


def test_it_passes_every_split_inference_network_case(suite_report: dict[str, Any]) -> None:
    verdicts = _verdicts(suite_report, "5.2.3.2-split-inference-")
    detailed = {
        c.id
        for c in load_suite(DEFAULT_CASES)
        if c.flow == "split-inference" and c.role == "NETWORK"
    }
    assert len(detailed) >= 12
    failed = [r for r in suite_report["results"] if r["id"] in detailed and r["verdict"] != "pass"]
    assert not failed, failed
    assert {i: v for i, v in verdicts.items() if i not in detailed} == dict.fromkeys(
        NOT_APPLICABLE, "not applicable"
    )


def test_it_still_passes_the_model_delivery_cases(suite_report: dict[str, Any]) -> None:
    network = {
        r["id"]: r["verdict"]
        for r in suite_report["results"]
        if r["id"].startswith("5.2.2.2.1-") and r["role"] == "NETWORK"
    }
    assert len(network) >= 3 and set(network.values()) == {"pass"}, network


def test_nothing_else_applies(suite_report: dict[str, Any]) -> None:
    for result in suite_report["results"]:
        played = (result["role"], result["flow"]) in (
            ("NETWORK", "model-delivery"),
            ("NETWORK", "split-inference"),
            ("UE", "adaptive-model-delivery"),
        )
        assert result["verdict"] == ("pass" if played else "not applicable"), result


def _document(fixtures: Path, kind: str, name: str) -> dict[str, Any]:
    manifest = json.loads((fixtures / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest[kind] if e["name"] == name)
    return json.loads((fixtures / entry["file"]["path"]).read_text(encoding="utf-8"))


def _state(fixtures: Path, model: str = "digits", **params: Any) -> dict[str, Any]:
    manifest = json.loads((fixtures / "manifest.json").read_text(encoding="utf-8"))
    sha = next((m["file"]["sha256"] for m in manifest["models"] if m["name"] == model), "0" * 64)
    return {"state": "model-repository", "params": {"model": model, "modelSha256": sha, **params}}


def _refused(reply: object) -> str:
    assert isinstance(reply, Refusal), reply
    return reply.reason


def _steps(reply: object) -> list[str]:
    assert isinstance(reply, list), reply
    return [o.step for o in reply]


def test_model_delivery_refuses_out_of_order_and_malformed_steps(fixtures: Path) -> None:
    trigger = {
        "service": "MODEL_DELIVERY",
        "sessionId": "s-1",
        "serviceRequirementInformation": _document(
            fixtures, "serviceRequirements", "service-digits"
        ),
        "ueCapabilityInformation": _document(fixtures, "ueCapabilities", "ue-ample"),
    }
    model = (fixtures / "models" / "digits.onnx").read_bytes()
    with StdioImplementation(_argv(fixtures)) as iut:
        iut.setup("c", "model-delivery", "NETWORK", _state(fixtures))
        session = {"deliverySessionId": "d-1", "modelIdentifier": "digits"}
        assert "out of order" in _refused(iut.deliver("4", session, {}))
        assert "sessionId" in _refused(iut.deliver("1", {"service": "MODEL_DELIVERY"}, {}))
        assert "unknown properties" in _refused(iut.deliver("1", {**trigger, "x": 1}, {}))
        strict = {"minimumServiceInferenceAccuracy": 99.9}
        demanding = {**trigger, "serviceRequirementInformation": strict}
        assert "no model" in _refused(iut.deliver("1", demanding, {}))
        assert _steps(iut.deliver("1", trigger, {})) == ["2", "3"]
        assert "not one the network side receives" in _refused(iut.deliver("6", {}, {}))
        other = {**session, "modelIdentifier": "resnet50"}
        assert "was not selected" in _refused(iut.deliver("4", other, {}))
        [delivered] = iut.deliver("4", session, {})  # type: ignore[misc]
        assert delivered.step == "5" and delivered.attachments["model"] == model
        assert delivered.message["sha256"] == hashlib.sha256(model).hexdigest()
        assert delivered.message["size"] == len(model)


def test_setup_refuses_what_it_cannot_set_up(fixtures: Path, runtime: None) -> None:
    wrong_sha = {
        "state": "model-repository",
        "params": {"model": "digits", "modelSha256": "0" * 64},
    }
    with StdioImplementation(_argv(fixtures)) as iut:
        for flow, state, reason in [
            ("model-delivery", wrong_sha, "export the fixtures again"),
            ("split-inference", _state(fixtures, model="resnet50"), "not in the fixtures manifest"),
            ("split-inference", _state(fixtures, topology="UE_SOURCE_NETWORK_FIRST"), "topology"),
            ("federated-learning", _state(fixtures), "only the network side of"),
        ]:
            with pytest.raises(HarnessSetupRefusedError, match=reason):
                iut.setup("c", flow, "NETWORK", state)
        with pytest.raises(HarnessSetupRefusedError, match="only the network side of"):
            iut.setup("c", "split-inference", "UE", _state(fixtures))


def _unit(point: dict[str, Any], info: dict[str, Any], values: bytes) -> bytes:
    """A unit of one FLOAT tensor with the chain NONE, laid out as the documentation of the
    format says (docs/reference/intermediate-data-unit.md)."""
    [tensor] = info["tensors"]
    payload = {
        "name": tensor["name"],
        "compressionAlgorithms": ["NONE"],
        "encodedElementDataType": "FLOAT",
        "rawLength": len(values),
        "payloadLength": len(values),
    }
    header = {
        "splitPointInformation": point,
        "intermediateDataInformation": info,
        "payloads": [payload],
    }
    text = json.dumps(header, separators=(",", ":")).encode()
    start = 12 + len(text)
    padding = -start % 64
    body = struct.pack("<4sB3sI", b"TSID", 2, b"\0\0\0", len(text)) + text + bytes(padding) + values
    return _sealed(body)


def _sealed(body: bytes) -> bytes:
    """``body`` followed by its CRC-32 (zlib's), as the format's last 4 bytes."""
    return body + struct.pack("<I", zlib.crc32(body))


def test_split_inference_refuses_out_of_order_forged_and_corrupt_steps(
    fixtures: Path, runtime: None
) -> None:
    ue = _document(fixtures, "ueCapabilities", "ue-ample")
    service = _document(fixtures, "serviceRequirements", "service-digits")
    request = {
        "sessionId": "s-1",
        "serviceRequirementInformation": service,
        "ueCapabilityInformation": ue,
    }
    unreachable = _document(fixtures, "serviceRequirements", "service-digits-unreachable-accuracy")
    with StdioImplementation(_argv(fixtures)) as iut:
        iut.setup(
            "c", "split-inference", "NETWORK", _state(fixtures, topology="UE_SOURCE_UE_FIRST")
        )
        assert "no session is established" in _refused(iut.deliver("2b", request, {}))
        assert _steps(iut.deliver("0", {"sessionId": "s-1"}, {})) == []
        assert "not one the network side receives" in _refused(iut.deliver("1", ue, {}))
        assert "out of order" in _refused(
            iut.deliver("6b", {"sessionId": "s-1", "selected": {}}, {})
        )
        assert "is not the established" in _refused(
            iut.deliver("2b", {**request, "sessionId": "x"}, {})
        )
        hopeless = {**request, "serviceRequirementInformation": unreachable}
        assert "no split configuration" in _refused(iut.deliver("2a", hopeless, {}))
        offered = iut.deliver("2b", request, {})
        assert _steps(offered) == ["3b", "4b"]
        candidates = offered[1].message["candidates"]  # type: ignore[index]
        chosen = candidates[-1]
        forged = {**chosen, "intermediateDataSize": chosen["intermediateDataSize"] / 2}
        selection = {"sessionId": "s-1", "selected": forged}
        assert "differs from the one offered" in _refused(iut.deliver("6b", selection, {}))
        renamed = {**chosen, "configurationIdentifier": "9/NONE"}
        selection = {"sessionId": "s-1", "selected": renamed}
        assert "never offered" in _refused(iut.deliver("6b", selection, {}))
        agreed = iut.deliver("6b", {"sessionId": "s-1", "selected": chosen}, {})
        assert _steps(agreed) == ["7b", "8b", "9b", "10", "11"]
        assert "out of order" in _refused(iut.deliver("18b", {}, {}))
        subset = {"deliverySessionId": "d-1", "modelIdentifier": "digits"}
        assert "UE_SUBSET" in _refused(iut.deliver("12", subset, {}))
        [delivered] = iut.deliver("12", {**subset, "subset": "UE_SUBSET"}, {})  # type: ignore[misc]
        number = chosen["splitPointInformation"]["splitPointNumber"]
        first = (fixtures / "split-points" / "digits" / str(number) / "first.onnx").read_bytes()
        assert (delivered.step, delivered.attachments["model"]) == ("13", first)
        assert delivered.message["sha256"] == hashlib.sha256(first).hexdigest()
        [opened] = iut.poll()  # type: ignore[misc]
        info = chosen["intermediateDataInformation"]
        assert opened.step == "17b" and opened.message["intermediateDataInformation"] == info
        assert iut.poll() == []
        [tensor] = info["tensors"]
        values = bytes(4 * tensor["tensorShape"][0] * tensor["tensorShape"][1])
        unit = _unit(chosen["splitPointInformation"], info, values)
        identifier = chosen["splitPointInformation"]["splitPointIdentifier"]
        body = unit[:-4]
        for corrupt, reason in [
            (unit[:-7], "CRC-32"),
            (unit[:20] + b"\xff" + unit[21:], "CRC-32"),
            (_sealed(body[:-7]), "needs bytes"),
            (_sealed(body[:20] + b"\xff" + body[21:]), "JSON"),
            (_sealed(body + b"\0"), "follow the last payload"),
            (b"TSIX" + unit[4:], "magic"),
        ]:
            data = {"sequenceNumber": 0, "splitPointIdentifier": identifier, "size": len(corrupt)}
            refusal = _refused(iut.deliver("18b", data, {"unit": corrupt}))
            assert "intermediate data unit refused" in refusal and any(
                r in refusal for r in reason.split("|")
            ), refusal
        data = {"sequenceNumber": 0, "splitPointIdentifier": identifier, "size": len(unit)}
        outputs = iut.deliver("18b", data, {"unit": unit})
        assert _steps(outputs) == ["19b", "20b"]
        assert outputs[1].attachments["output"].startswith(b"\x93NUMPY")  # type: ignore[index]


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


def _doctored(fixtures: Path, folder: Path, *garbage: str) -> Path:
    """A fixtures folder whose files are the exported ones (linked), but ``garbage``: bytes
    of the same size that are not a model."""
    for source in fixtures.rglob("*"):
        if source.is_file():
            target = folder / source.relative_to(fixtures)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(source, target)
    for path in garbage:
        size = (folder / path).stat().st_size
        (folder / path).unlink()
        (folder / path).write_bytes((b"definitely not an ONNX model " * size)[:size])
    return folder


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
    fixtures: Path, tmp_path: Path, request, case_id: str, garbage: list[str], step: str
) -> None:
    if "split" in case_id:
        request.getfixturevalue("runtime")
    doctored = _doctored(fixtures, tmp_path / "fixtures", *garbage)
    case = next(c for c in load_suite(DEFAULT_CASES) if c.id == case_id)
    with StdioImplementation(_argv(doctored)) as iut:
        result = run_case(case, iut, iut.describe())
    assert (result.verdict, result.step) == (Verdict.FAIL, step), result.reason


class _Session:
    """The harness driven line by line, every line it writes kept."""

    def __init__(self, argv: list[str]) -> None:
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.lines: list[str] = []
        self.seq = 0

    def send(self, command: dict[str, Any]) -> dict[str, Any]:
        if command["cmd"] != "start":
            self.seq += 1
            command = {**command, "seq": self.seq}
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        self.lines.append(self.process.stdout.readline())
        return json.loads(self.lines[-1])

    def deliver(self, step: str, message: Any, **attachments: bytes) -> dict[str, Any]:
        encoded = {k: base64.b64encode(v).decode() for k, v in attachments.items()}
        return self.send(
            {"cmd": "deliver", "step": step, "message": message, "attachments": encoded}
        )

    def stop(self) -> int:
        assert self.process.stdin
        self.process.stdin.write(json.dumps({"cmd": "stop"}) + "\n")
        self.process.stdin.close()
        rest = self.process.stdout.read() if self.process.stdout else ""
        assert rest == "", rest
        return self.process.wait(timeout=10)


def test_every_line_it_writes_validates_against_the_protocol_schema(
    fixtures: Path, runtime: None, protocol_validator
) -> None:
    ue = _document(fixtures, "ueCapabilities", "ue-ample")  # NONE and ZSTD: the chain is NONE
    service = _document(fixtures, "serviceRequirements", "service-digits")
    request = {
        "sessionId": "s",
        "serviceRequirementInformation": service,
        "ueCapabilityInformation": ue,
    }
    trigger = {**request, "service": "MODEL_DELIVERY"}
    subset = {"deliverySessionId": "d", "modelIdentifier": "digits", "subset": "UE_SUBSET"}
    harness = _Session(_argv(fixtures))
    kinds = []

    def kind(reply: dict[str, Any]) -> dict[str, Any]:
        kinds.append(next(k for k in reply if k != "seq"))
        return reply

    harness.send({"cmd": "start", "version": 1})
    setup = {"cmd": "setup", "case": "c", "flow": "model-delivery", "role": "NETWORK"}
    kind(harness.send({**setup, "state": _state(fixtures)}))
    kind(harness.send({"cmd": "begin"}))
    kind(harness.deliver("4", {}))
    kind(harness.deliver("1", trigger))
    kind(harness.deliver("4", {"deliverySessionId": "d", "modelIdentifier": "digits"}))
    kind(harness.send({"cmd": "poll"}))
    kind(harness.send({"cmd": "teardown"}))
    kind(harness.deliver("1", trigger))
    for topology in ("NETWORK_SOURCE", "UE_SOURCE_UE_FIRST"):
        state = _state(fixtures, topology=topology, sample=3)
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
            unit = _unit(point, info, bytes(4 * tensor["tensorShape"][1]))
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


# -- the UE side of adaptive model delivery (the worked example of docs/harness.md) --------
PACKAGE_FORMAT = "TS26927_ADAPTIVE_PACKAGE"
ADAPTIVE_UE_CASES = (
    "5.2.2.2.2-adaptive-model-delivery-003",
    "5.2.2.2.2-adaptive-model-delivery-004",
    "5.2.2.2.2-adaptive-model-delivery-005",
)


def test_it_passes_the_adaptive_delivery_ue_cases(suite_report: dict[str, Any]) -> None:
    """Base, refinement levels and the bit-exact model (003), the tampered level refused
    (004), an update for another base refused (005); the network-side cases do not apply."""
    verdicts = {
        (r["id"], r["role"]): r["verdict"]
        for r in suite_report["results"]
        if r["flow"] == "adaptive-model-delivery"
    }
    ue = {i: v for (i, role), v in verdicts.items() if role == "UE"}
    assert set(ADAPTIVE_UE_CASES) <= set(ue) and set(ue.values()) == {"pass"}, ue
    network = {v for (_, role), v in verdicts.items() if role == "NETWORK"}
    assert network == {"not applicable"}


def _ue_state(fixtures: Path) -> dict[str, Any]:
    state = _state(fixtures, sample=18)
    return {**state, "state": "ue-idle"}


def _chain(zstd: bool = False) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """The test system's manifest and packages; with ``zstd``, the engine's own packages
    (zstd-compressed), listed under their digests."""
    manifest = _manifest("digits")
    variants = manifest["models"][0]["variants"]
    if not zstd:
        packages = [v for v in variants if v["dataFormat"]["name"] != "ONNX"]
        by_sha = network_model("digits").by_sha256()
        return manifest, [(v["variantIdentifier"], by_sha[v["sha256"]]) for v in packages]
    repository = embedded_repository(names=["digits"])
    levels = [
        v
        for v in repository.variants("digits")
        if v.variant.data_format and v.variant.data_format.name == PACKAGE_FORMAT
    ]
    for variant in variants:
        for level in levels:
            if level.identifier == variant["variantIdentifier"]:
                variant["sha256"] = hashlib.sha256(level.data).hexdigest()
    return manifest, [(v.identifier, v.data) for v in levels]


def _package(variant: str, data: bytes) -> dict[str, Any]:
    return {
        "modelIdentifier": "digits",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "variantIdentifier": variant,
    }


def test_adaptive_ue_refuses_what_does_not_verify_and_rebuilds_the_model(
    fixtures: Path, runtime: None
) -> None:
    manifest, packages = _chain()
    (base_id, base), (int16_id, int16), (fp32_id, fp32) = packages
    with StdioImplementation(_argv(fixtures)) as iut:
        with pytest.raises(HarnessSetupRefusedError, match="only ue-idle is offered"):
            iut.setup("c", "adaptive-model-delivery", "UE", _state(fixtures))
        iut.setup("c", "adaptive-model-delivery", "UE", _ue_state(fixtures))
        assert "no package was requested" in _refused(
            iut.deliver("6", _package(base_id, base), {"model": base})
        )
        assert "no adaptive model" in _refused(
            iut.deliver("1", {"manifestId": "m", "models": []}, {})
        )
        started = iut.deliver("1", manifest, {})
        assert _steps(started) == ["2", "3", "5"]
        assert started[1].message == {"modelIdentifier": "digits", "variantIdentifier": base_id}  # type: ignore[index]
        assert "out of order" in _refused(iut.deliver("1", manifest, {}))
        assert "was requested" in _refused(
            iut.deliver("6", _package(int16_id, int16), {"model": int16})
        )
        flipped = base[:-1] + bytes([base[-1] ^ 1])
        assert "announced size and SHA-256" in _refused(
            iut.deliver("6", _package(base_id, base), {"model": flipped})
        )
        assert "not the manifest's" in _refused(
            iut.deliver("6", _package(base_id, flipped), {"model": flipped})
        )
        taken = iut.deliver("6", _package(base_id, base), {"model": base})
        assert _steps(taken) == ["7", "8", "9", "10", "11"]
        assert taken[4].message["toVariant"] == int16_id  # type: ignore[index]
        taken = iut.deliver("6", _package(int16_id, int16), {"model": int16})
        assert _steps(taken) == ["7", "12", "8", "9", "10", "11"]
        taken = iut.deliver("6", _package(fp32_id, fp32), {"model": fp32})
        assert _steps(taken) == ["7", "12", "8", "9", "10"]
        full = next(
            v for v in manifest["models"][0]["variants"] if v["dataFormat"]["name"] == "ONNX"
        )
        assert hashlib.sha256(taken[1].attachments["model"]).hexdigest() == full["sha256"]  # type: ignore[index]
        assert taken[4].attachments["output"].startswith(b"\x93NUMPY")  # type: ignore[index]


def test_adaptive_ue_refuses_zstd_packages_it_cannot_decode(fixtures: Path, runtime: None) -> None:
    """Node 20 has no zstd: the engine's own (compressed) packages are refused, saying why."""
    manifest, [(base_id, base), *_] = _chain(zstd=True)
    with StdioImplementation(_argv(fixtures)) as iut:
        iut.setup("c", "adaptive-model-delivery", "UE", _ue_state(fixtures))
        assert _steps(iut.deliver("1", manifest, {})) == ["2", "3", "5"]
        reason = _refused(iut.deliver("6", _package(base_id, base), {"model": base}))
        assert "zstd-compressed" in reason or "ZSTD-compressed" in reason, reason


def test_adaptive_ue_lines_validate_against_the_protocol_schema(
    fixtures: Path, runtime: None, protocol_validator
) -> None:
    manifest, [(base_id, base), *_] = _chain()
    harness = _Session(_argv(fixtures))
    harness.send({"cmd": "start", "version": 1})
    setup = {"cmd": "setup", "case": "c", "flow": "adaptive-model-delivery", "role": "UE"}
    replies = [
        harness.send({**setup, "state": _ue_state(fixtures)}),
        harness.send({"cmd": "begin"}),
    ]
    replies.append(harness.deliver("1", manifest))
    replies.append(harness.deliver("6", _package(base_id, base), model=base[:-1]))
    replies.append(harness.deliver("6", _package(base_id, base), model=base))
    replies.append(harness.send({"cmd": "poll"}))
    assert harness.stop() == 0
    for reply in replies:
        protocol_validator("StepReply").validate(reply)
    assert [next(k for k in r if k != "seq") for r in replies] == [
        "outputs", "outputs", "outputs", "refused", "outputs", "outputs"
    ]  # fmt: skip
