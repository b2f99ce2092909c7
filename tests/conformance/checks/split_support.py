"""What the split check tests share: the cases they replay, the documented tolerances
written out, and the edits they make to a record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import onnx
import pytest

from ts26927.conformance.agreement import (
    configuration,
    direction,
    model_truth,
    sample_index,
    ue_first,
)
from ts26927.conformance.checks import CheckFailed
from ts26927.conformance.context import CaseContext, Record
from ts26927.conformance.feasibility import Bounds, bounds
from ts26927.conformance.fixtures import profiles
from ts26927.engine.onnxtools.digest import sha256
from ts26927.models.units import BYTES_PER_MB

from .recorded import Seen, seen

DECIDED = "5.2.3.2-split-inference-001"  # the network decides (7a), UE first
OFFERED = "5.2.3.2-split-inference-002"  # the network offers candidates (4b)
NETWORK_FIRST = "5.2.3.2-split-inference-003"  # the network sends the unit (18a)
BASIC = "5.2.3.2-split-inference-ue-source-001"
BASIC_NETWORK = "5.2.3.2-split-inference-network-source-001"
OPERATION = "5.3.5-split-operation-001"

# The documented tolerances, written out: a test that read them from the modules would
# move with them.
ACCURACY_TOLERANCE = 1.0  # points of %
FLOP_SLACK = 2.0
FRAMING_ALLOWANCE = 1024  # bytes
MEMORY_TOLERANCE = 0.1


def fails(check: Seen, ctx: CaseContext, reason: str) -> None:
    with pytest.raises(CheckFailed, match=reason):
        check.run(ctx)


def information(record: Record) -> dict[str, Any]:
    return record.message["intermediateDataInformation"]  # type: ignore[index]


def edit_model(record: Record, edit: Callable[[onnx.ModelProto], None]) -> None:
    """The record's UE sub-model, edited, under its true size and SHA-256."""
    model = onnx.load_from_string(record.attachments["model"])
    edit(model)
    data = model.SerializeToString()
    record.attachments["model"] = data
    record.message = {**(record.message or {}), "size": len(data), "sha256": sha256(data)}


def rename_outputs(model: onnx.ModelProto) -> None:
    renames = {o.name: f"{o.name}_renamed" for o in model.graph.output}
    for node in model.graph.node:
        node.output[:] = [renames.get(n, n) for n in node.output]
    for value in model.graph.output:
        value.name = renames[value.name]


def rename_input(model: onnx.ModelProto) -> None:
    old = model.graph.input[0].name
    model.graph.input[0].name = "image"
    for node in model.graph.node:
        node.input[:] = ["image" if n == old else n for n in node.input]


def scale_weights(model: onnx.ModelProto) -> None:
    weights = max(model.graph.initializer, key=lambda t: len(t.raw_data))
    scaled = (onnx.numpy_helper.to_array(weights) * 1.5).astype(np.float32)
    weights.CopyFrom(onnx.numpy_helper.from_array(scaled, weights.name))


def sigmoid_for_softmax(model: onnx.ModelProto) -> None:
    (node,) = [n for n in model.graph.node if n.op_type == "Softmax"]
    node.op_type = "Sigmoid"
    del node.attribute[:]


# -- the network's offer (4b) of split-inference-002 ----------------------------------------
def offered() -> Seen:
    return seen(OFFERED, "split-candidates", "4b")


def candidate_at(ctx: CaseContext, index: int = 0) -> dict[str, Any]:
    return ctx.records[-1].message["candidates"][index]  # type: ignore[index]


def bounds_of(ctx: CaseContext, candidate: dict[str, Any]) -> Bounds:
    """The lower bounds the check holds the candidate's figures against."""
    agreement = configuration(
        ctx, "4b", candidate["splitPointInformation"], candidate["intermediateDataInformation"]
    )
    index = sample_index(ctx)
    unit = model_truth(ctx).unit(agreement.cut, agreement.chain, index, direction(ctx))
    coded = sum(p.payload_length for p in unit.header.payloads)
    ue = profiles.ue_capabilities(ctx.fixture("ueCapabilities"))
    return bounds(agreement.cut, agreement.chain, ue, ue_first(ctx), coded)


def unit_bytes(ctx: CaseContext, candidate: dict[str, Any]) -> int:
    agreement = configuration(
        ctx, "4b", candidate["splitPointInformation"], candidate["intermediateDataInformation"]
    )
    index, point = sample_index(ctx), agreement.point
    return (
        model_truth(ctx).unit(agreement.cut, agreement.chain, index, direction(ctx), point).nbytes
    )


def ue_side_bounds(ctx: CaseContext) -> tuple[float, float, float]:
    side = bounds_of(ctx, candidate_at(ctx)).ue_side
    return (
        side.memory_lower_bytes / BYTES_PER_MB,
        side.memory_upper_bytes / BYTES_PER_MB,
        float(side.flops),
    )
