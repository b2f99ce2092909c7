"""The adaptive model delivery checks, each called on its own, on the reference's own
packages (a real run of the case), altered one defect at a time."""

from __future__ import annotations

from typing import Any

import onnx
import pytest
from onnx import helper

from ts26927.conformance.checks import CheckFailed, run_check
from ts26927.conformance.context import CaseContext, Record
from ts26927.engine.delivery.encoder import encode_adaptive
from ts26927.engine.embedded.digits import digits_classifier
from ts26927.engine.onnxtools.digest import sha256

from .recorded import Seen, seen

CASE = "5.2.2.2.2-adaptive-model-delivery-001"
LEVELS = ("digits-int8", "digits-int16", "digits-fp32")


def _package(level: int) -> Seen:
    return seen(CASE, "adaptive-package", "6", level)


def _variants(ctx: CaseContext) -> list[dict[str, Any]]:
    return ctx.message("1")["models"][0]["variants"]


def _deliver(record: Record, data: bytes, variant: str | None = None) -> None:
    """The record delivers ``data`` under its true size and SHA-256."""
    record.attachments["model"] = data
    message = {**(record.message or {}), "size": len(data), "sha256": sha256(data)}
    if variant is not None:
        message["variantIdentifier"] = variant
    record.message = message


@pytest.mark.parametrize("level", range(3))
def test_every_level_the_reference_delivers_passes(level: int) -> None:
    check = _package(level)
    ctx, record = check.fresh()
    assert record.message["variantIdentifier"] == LEVELS[level]  # type: ignore[index]
    check.run(ctx)


@pytest.mark.parametrize("level", range(3))
def test_a_package_of_another_size_than_announced_fails(level: int) -> None:
    check = _package(level)
    ctx, record = check.fresh()
    record.message["size"] += 1  # type: ignore[index]
    with pytest.raises(CheckFailed, match="does not have the announced size and SHA-256"):
        check.run(ctx)


def test_a_package_under_another_sha256_fails() -> None:
    check = _package(1)
    ctx, record = check.fresh()
    record.message["sha256"] = sha256(b"another package")  # type: ignore[index]
    with pytest.raises(CheckFailed, match="does not have the announced size and SHA-256"):
        check.run(ctx)


@pytest.mark.parametrize("variant", ["digits-fp64", "digits-full", None])
def test_a_variant_the_manifest_does_not_chain_fails(variant: str | None) -> None:
    check = _package(0)
    ctx, record = check.fresh()
    if variant is None:
        del record.message["variantIdentifier"]  # type: ignore[union-attr]
    else:
        record.message["variantIdentifier"] = variant  # type: ignore[index]
    with pytest.raises(CheckFailed, match=f"{variant!r} is not the manifest's variant"):
        check.run(ctx)


def test_a_package_announced_as_another_level_fails() -> None:
    check = _package(0)
    ctx, record = check.fresh()
    record.message["variantIdentifier"] = "digits-int16"  # type: ignore[index]
    with pytest.raises(CheckFailed, match="'digits-int16' is not the manifest's variant"):
        check.run(ctx)


def test_a_package_the_manifest_lists_under_another_digest_fails() -> None:
    check = _package(2)
    ctx, _ = check.fresh()
    fp32 = next(v for v in _variants(ctx) if v["variantIdentifier"] == "digits-fp32")
    fp32["sha256"] = sha256(b"what the manifest promised")
    with pytest.raises(CheckFailed, match="'digits-fp32' is not the manifest's variant"):
        check.run(ctx)


def test_a_package_that_does_not_apply_to_the_ue_s_model_fails() -> None:
    # The base level sent again as the next one: listed, true digest, but no update.
    check = _package(1)
    ctx, record = check.fresh()
    base = _package(0).fresh()[1]
    _deliver(record, base.attachments["model"], "digits-int8")
    with pytest.raises(CheckFailed, match="is level 0; the next level is 1"):
        check.run(ctx)


def test_a_base_that_is_no_package_fails() -> None:
    check = _package(0)
    ctx, record = check.fresh()
    _deliver(record, b"not a package")
    int8 = next(v for v in _variants(ctx) if v["variantIdentifier"] == "digits-int8")
    int8["sha256"] = sha256(b"not a package")  # the manifest agrees: only decoding can tell
    with pytest.raises(CheckFailed, match="shorter than the fixed header"):
        check.run(ctx)


def test_a_base_whose_model_does_not_run_fails() -> None:
    """A chain the manifest lists truly, whose model loads but cannot run (an operator no
    runtime knows): only running the rebuilt model can tell."""
    model = onnx.ModelProto()
    model.CopyFrom(digits_classifier().model)
    (node,) = [n for n in model.graph.node if n.op_type == "Softmax"]
    node.domain, node.op_type = "com.example", "Nowhere"
    del node.attribute[:]
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    base = encode_adaptive(model, "digits").levels[0].data
    check = _package(0)
    ctx, record = check.fresh()
    _deliver(record, base)
    int8 = next(v for v in _variants(ctx) if v["variantIdentifier"] == "digits-int8")
    int8["sha256"] = sha256(base)
    with pytest.raises(CheckFailed, match=r"inference failed: .*com\.example:Nowhere"):
        check.run(ctx)


# -- adaptive-bit-exact ------------------------------------------------------------------
def test_the_last_level_rebuilds_the_full_model() -> None:
    check = seen(CASE, "adaptive-bit-exact", "6")
    check.run(check.fresh()[0])


def test_a_model_short_of_its_last_level_fails() -> None:
    ctx, record = _package(1).fresh()
    with pytest.raises(CheckFailed, match="the last package did not complete the model"):
        run_check("adaptive-bit-exact", ctx, record, {})


def test_a_full_model_other_than_the_manifest_s_fails() -> None:
    check = seen(CASE, "adaptive-bit-exact", "6")
    ctx, _ = check.fresh()
    full = next(v for v in _variants(ctx) if v["variantIdentifier"] == "digits-full")
    full["sha256"] = sha256(b"another full model")
    with pytest.raises(CheckFailed, match="the rebuilt model differs from the full model"):
        check.run(ctx)


def test_a_manifest_without_the_full_model_fails() -> None:
    check = seen(CASE, "adaptive-bit-exact", "6")
    ctx, _ = check.fresh()
    _variants(ctx)[:] = [v for v in _variants(ctx) if v["variantIdentifier"] != "digits-full"]
    with pytest.raises(CheckFailed, match="differs from the full model the manifest lists"):
        check.run(ctx)


def test_the_full_model_is_found_wherever_the_manifest_lists_it() -> None:
    check = seen(CASE, "adaptive-bit-exact", "6")
    ctx, _ = check.fresh()
    _variants(ctx).sort(key=lambda v: v["variantIdentifier"] == "digits-full")  # full last
    assert _variants(ctx)[0]["variantIdentifier"] == "digits-int8"  # a base, not the model
    check.run(ctx)
