"""Constants and helpers shared by the Node harness tests: where the harness is, how to run
it, how to read the fixtures it is given, and how to build what it is sent."""

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
from ts26927.cli import main
from ts26927.conformance.builders.adaptive_delivery import _manifest, network_model
from ts26927.engine.delivery.embedded import embedded_repository

from ..conftest import ROOT

NODE = shutil.which("node")
NPM = shutil.which("npm")
#: Every test module of the package sets ``pytestmark = needs_node``.
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (node not found)")
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
# -- the UE side of adaptive model delivery (the worked example of docs/harness.md) --------
PACKAGE_FORMAT = "TS26927_ADAPTIVE_PACKAGE"
ADAPTIVE_UE_CASES = (
    "5.2.2.2.2-adaptive-model-delivery-003",
    "5.2.2.2.2-adaptive-model-delivery-004",
    "5.2.2.2.2-adaptive-model-delivery-005",
)


def runtime_problem() -> str | None:
    """Why onnxruntime-node does not load in the harness folder (None when it does)."""
    check = "require('onnxruntime-node').env.versions"
    done = subprocess.run(
        [str(NODE), "-e", check], cwd=FOLDER, capture_output=True, text=True, timeout=60
    )
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1]


def harness_argv(fixtures: Path) -> list[str]:
    return [str(NODE), str(HARNESS), "--fixtures", str(fixtures)]


def run_conformance(fixtures: Path, folder: Path, *selection: str) -> dict[str, Any]:
    """``conformance run`` against the harness; its report, written into ``folder``."""
    report = folder / "report.json"
    target = f"stdio:{shlex.join(harness_argv(fixtures))}"
    code = main(["conformance", "run", "--target", target, "--report", str(report), *selection])
    result = json.loads(report.read_text(encoding="utf-8"))
    assert code == (0 if result["succeeded"] else 1)
    return result


def verdicts_of(report: dict[str, Any], prefix: str, role: str = "NETWORK") -> dict[str, str]:
    return {
        r["id"]: r["verdict"]
        for r in report["results"]
        if r["id"].startswith(prefix) and r["role"] == role
    }


def document(fixtures: Path, kind: str, name: str) -> dict[str, Any]:
    manifest = json.loads((fixtures / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest[kind] if e["name"] == name)
    return json.loads((fixtures / entry["file"]["path"]).read_text(encoding="utf-8"))


def repository_state(fixtures: Path, model: str = "digits", **params: Any) -> dict[str, Any]:
    manifest = json.loads((fixtures / "manifest.json").read_text(encoding="utf-8"))
    sha = next((m["file"]["sha256"] for m in manifest["models"] if m["name"] == model), "0" * 64)
    return {"state": "model-repository", "params": {"model": model, "modelSha256": sha, **params}}


def refused(reply: object) -> str:
    assert isinstance(reply, Refusal), reply
    return reply.reason


def steps(reply: object) -> list[str]:
    assert isinstance(reply, list), reply
    return [o.step for o in reply]


def float_unit(point: dict[str, Any], info: dict[str, Any], values: bytes) -> bytes:
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
    return sealed(body)


def sealed(body: bytes) -> bytes:
    """``body`` followed by its CRC-32 (zlib's), as the format's last 4 bytes."""
    return body + struct.pack("<I", zlib.crc32(body))


def doctored_fixtures(fixtures: Path, folder: Path, *garbage: str) -> Path:
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


class Session:
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


def ue_state(fixtures: Path) -> dict[str, Any]:
    state = repository_state(fixtures, sample=18)
    return {**state, "state": "ue-idle"}


def chain(zstd: bool = False) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
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


def package(variant: str, data: bytes) -> dict[str, Any]:
    return {
        "modelIdentifier": "digits",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "variantIdentifier": variant,
    }
