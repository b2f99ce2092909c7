"""The UE side of adaptive model delivery (the worked example of docs/harness.md), driven
step by step: the harness refuses what does not verify and rebuilds the model, refuses the
zstd-compressed packages it cannot decode, and its lines validate against the protocol
schema."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from ts26927.bindings.stdio import StdioImplementation
from ts26927.errors import HarnessSetupRefusedError

from .support import (
    Session,
    chain,
    harness_argv,
    needs_node,
    package,
    refused,
    repository_state,
    steps,
    ue_state,
)

pytestmark = needs_node


def test_adaptive_ue_refuses_what_does_not_verify_and_rebuilds_the_model(
    fixtures: Path, runtime: None
) -> None:
    manifest, packages = chain()
    (base_id, base), (int16_id, int16), (fp32_id, fp32) = packages
    with StdioImplementation(harness_argv(fixtures)) as iut:
        with pytest.raises(HarnessSetupRefusedError, match="only ue-idle is offered"):
            iut.setup("c", "adaptive-model-delivery", "UE", repository_state(fixtures))
        iut.setup("c", "adaptive-model-delivery", "UE", ue_state(fixtures))
        assert "no package was requested" in refused(
            iut.deliver("6", package(base_id, base), {"model": base})
        )
        assert "no adaptive model" in refused(
            iut.deliver("1", {"manifestId": "m", "models": []}, {})
        )
        started = iut.deliver("1", manifest, {})
        assert steps(started) == ["2", "3", "5"]
        assert started[1].message == {"modelIdentifier": "digits", "variantIdentifier": base_id}  # type: ignore[index]
        assert "out of order" in refused(iut.deliver("1", manifest, {}))
        assert "was requested" in refused(
            iut.deliver("6", package(int16_id, int16), {"model": int16})
        )
        flipped = base[:-1] + bytes([base[-1] ^ 1])
        assert "announced size and SHA-256" in refused(
            iut.deliver("6", package(base_id, base), {"model": flipped})
        )
        assert "not the manifest's" in refused(
            iut.deliver("6", package(base_id, flipped), {"model": flipped})
        )
        taken = iut.deliver("6", package(base_id, base), {"model": base})
        assert steps(taken) == ["7", "8", "9", "10", "11"]
        assert taken[4].message["toVariant"] == int16_id  # type: ignore[index]
        taken = iut.deliver("6", package(int16_id, int16), {"model": int16})
        assert steps(taken) == ["7", "12", "8", "9", "10", "11"]
        taken = iut.deliver("6", package(fp32_id, fp32), {"model": fp32})
        assert steps(taken) == ["7", "12", "8", "9", "10"]
        full = next(
            v for v in manifest["models"][0]["variants"] if v["dataFormat"]["name"] == "ONNX"
        )
        assert hashlib.sha256(taken[1].attachments["model"]).hexdigest() == full["sha256"]  # type: ignore[index]
        assert taken[4].attachments["output"].startswith(b"\x93NUMPY")  # type: ignore[index]


def test_adaptive_ue_refuses_zstd_packages_it_cannot_decode(fixtures: Path, runtime: None) -> None:
    """Node 20 has no zstd: the engine's own (compressed) packages are refused, saying why."""
    manifest, [(base_id, base), *_] = chain(zstd=True)
    with StdioImplementation(harness_argv(fixtures)) as iut:
        iut.setup("c", "adaptive-model-delivery", "UE", ue_state(fixtures))
        assert steps(iut.deliver("1", manifest, {})) == ["2", "3", "5"]
        reason = refused(iut.deliver("6", package(base_id, base), {"model": base}))
        assert "zstd-compressed" in reason or "ZSTD-compressed" in reason, reason


def test_adaptive_ue_lines_validate_against_the_protocol_schema(
    fixtures: Path,
    runtime: None,
    protocol_validator: Callable[[str], Draft202012Validator],
) -> None:
    manifest, [(base_id, base), *_] = chain()
    harness = Session(harness_argv(fixtures))
    harness.send({"cmd": "start", "version": 1})
    setup = {"cmd": "setup", "case": "c", "flow": "adaptive-model-delivery", "role": "UE"}
    replies = [
        harness.send({**setup, "state": ue_state(fixtures)}),
        harness.send({"cmd": "begin"}),
    ]
    replies.append(harness.deliver("1", manifest))
    replies.append(harness.deliver("6", package(base_id, base), model=base[:-1]))
    replies.append(harness.deliver("6", package(base_id, base), model=base))
    replies.append(harness.send({"cmd": "poll"}))
    assert harness.stop() == 0
    for reply in replies:
        protocol_validator("StepReply").validate(reply)
    assert [next(k for k in r if k != "seq") for r in replies] == [
        "outputs", "outputs", "outputs", "refused", "outputs", "outputs"
    ]  # fmt: skip
