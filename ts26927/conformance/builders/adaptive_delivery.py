"""Test-system fixtures of adaptive model delivery (5.2.2.2.2): the UE picks the base of the
adaptive chain from the manifest, keeps the model it rebuilds package by package (with
the library's own decoder) and runs it, then asks for the next precision level."""

from __future__ import annotations

from typing import Any

from ts26927.bindings.attachments import require
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.engine.onnxtools.runtime import Runner

from ..context import CaseContext, CaseDataError
from .registry import Built, builder, sample

KEY = "adaptive-model"


def chain(ctx: CaseContext) -> list[dict[str, Any]]:
    """The adaptive model's variants in refinement order, from the manifest (step 1)."""
    entries = [e for e in ctx.message("1")["models"] if e.get("adaptive")]
    if not entries:
        raise CaseDataError(f"{ctx.case_id}: the manifest lists no adaptive model")
    variants = entries[0]["variants"]
    ordered = [
        next(
            v
            for v in variants
            if v.get("updateOf") is None and v.get("dataFormat", {}).get("name") != "ONNX"
        )
    ]
    while nxt := [v for v in variants if v.get("updateOf") == ordered[-1]["variantIdentifier"]]:
        ordered.append(nxt[0])
    return ordered


def model_of(ctx: CaseContext) -> str:
    return ctx.message("1")["models"][0]["aiModelInformation"]["modelIdentifier"]


def progressive(ctx: CaseContext) -> ProgressiveModel:
    """The UE's model: built from the base package, refined by every update since."""
    held: ProgressiveModel | None = ctx.cache.get(KEY)
    deliveries = [r for r in ctx.records if r.step == "6" and r.by == "IUT"]
    applied = ctx.cache.get(KEY + "/applied", 0)
    for record in deliveries[applied:]:
        data = require(record.attachments, "model", "step 6")
        if held is None:
            held = ProgressiveModel(data)
        else:
            held.apply(data)
    ctx.cache[KEY], ctx.cache[KEY + "/applied"] = held, len(deliveries)
    if held is None:
        raise CaseDataError(f"{ctx.case_id}: no package has been delivered")
    return held


@builder("adaptive/request")
def _request(ctx: CaseContext) -> Built:
    """The UE asks for the base of the adaptive model the manifest (1) lists."""
    return {
        "modelIdentifier": model_of(ctx),
        "variantIdentifier": chain(ctx)[0]["variantIdentifier"],
    }, {}


@builder("adaptive/session")
def _session(ctx: CaseContext) -> Built:
    """The UE sets up a delivery session for the variant it asked for."""
    wanted = ctx.message("3")["variantIdentifier"]
    for record in reversed(ctx.records):
        if record.step == "11":
            wanted = record.message["toVariant"]  # type: ignore[index]
            break
    return {
        "deliverySessionId": "d-1",
        "modelIdentifier": model_of(ctx),
        "variantIdentifier": wanted,
    }, {}


@builder("adaptive/handover")
def _handover(ctx: CaseContext) -> Built:
    """The UE's access function hands the delivered package on (digest and variant)."""
    delivered = ctx.message("6")
    return {
        "modelIdentifier": delivered["modelIdentifier"],
        "sha256": delivered["sha256"],
        "variantIdentifier": delivered["variantIdentifier"],
    }, {}


@builder("adaptive/output")
def _output(ctx: CaseContext) -> Built:
    """The UE runs the model it rebuilt from the packages so far on its sample; the outputs are
    described."""
    runner = Runner(progressive(ctx).to_model(), label="adaptive model")
    outputs = runner.run({next(iter(runner.inputs)): sample(ctx)})
    return {
        "sequenceNumber": 0,
        "outputs": [
            {"name": n, "tensorShape": list(a.shape), "tensorElementDataType": "FLOAT"}
            for n, a in outputs.items()
        ],
    }, {}


@builder("adaptive/update-request")
def _update_request(ctx: CaseContext) -> Built:
    """The UE asks for the next precision level after the one it holds."""
    held = ctx.message("6")["variantIdentifier"]
    ids = [v["variantIdentifier"] for v in chain(ctx)]
    if ids.index(held) + 1 >= len(ids):
        raise CaseDataError(f"{ctx.case_id}: {held} is already the last level")
    return {
        "modelIdentifier": model_of(ctx),
        "fromVariant": held,
        "toVariant": ids[ids.index(held) + 1],
    }, {}
