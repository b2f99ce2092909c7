"""Checks of adaptive model delivery (5.2.2.2.2): each package is the variant the manifest
lists and applies to the UE's model; the last level rebuilds the full model bit for bit."""

from __future__ import annotations

from typing import Any

from ts26927.bindings.attachments import require
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.runtime import Runner

from ..agreement import model_truth, sample_index
from ..builders.adaptive_delivery import chain, progressive
from ..context import CaseContext, Record
from .registry import CheckFailed, check, message_of


@check("adaptive-package")
def _adaptive_package(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The package has the announced size and digest, is the variant the manifest lists
    (same SHA-256), and applies to the UE's model; the rebuilt model runs."""
    message = message_of(record)
    data = require(record.attachments, "model", f"step {record.step}")
    if len(data) != message["size"] or sha256(data) != message["sha256"]:
        raise CheckFailed("the package does not have the announced size and SHA-256")
    listed = {v["variantIdentifier"]: v for v in chain(ctx)}
    variant = listed.get(message.get("variantIdentifier", ""))
    if variant is None or variant.get("sha256") != message["sha256"]:
        raise CheckFailed(f"{message.get('variantIdentifier')!r} is not the manifest's variant")
    model = progressive(ctx).to_model()
    fixture = model_truth(ctx).fixture
    Runner(model, label="adaptive model").run(
        {fixture.input_name: fixture.sample(sample_index(ctx))}
    )


@check("adaptive-bit-exact")
def _bit_exact(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """After the last level the rebuilt model is the full model, bit for bit."""
    entry = ctx.message("1")["models"][0]
    full = next(
        (
            v
            for v in entry["variants"]
            if v.get("dataFormat", {}).get("name") == "ONNX" and v.get("updateOf") is None
        ),
        None,
    )
    held = progressive(ctx)
    if not held.complete:
        raise CheckFailed("the last package did not complete the model")
    if full is None or sha256(held.to_bytes()) != full.get("sha256"):
        raise CheckFailed("the rebuilt model differs from the full model the manifest lists")
