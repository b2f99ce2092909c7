"""Network mutants of split inference's detailed flow (5.2.3.2) after the split decision
(steps 10 to 20b): the reference network that delivers (13) a UE sub-model that does not fit
the agreed split, opens the intermediate data session (17b) with another codec, sends (18a)
intermediate data that is not what was agreed, or returns (20b) a wrong inference output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import onnx

from ts26927.bindings.attachments import array_to_bytes, bytes_to_array
from ts26927.bindings.base import Output
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.split.unit import decode_unit, encode_unit

from ..mutants import (
    Mutant,
    MutantSpec,
    _corrupt,
    _data_information,
    _edit,
    _other_split_point,
    _renamed_input,
    _size_off_by_one,
)


# -- the UE's sub-model (13) ------------------------------------------------------------
def _renamed_outputs(output: Output) -> Output:
    """Delivers the UE's sub-model with its outputs renamed (and a true size and digest)."""
    model = onnx.load_from_string(output.attachments["model"])
    renames = {o.name: f"{o.name}_renamed" for o in model.graph.output}
    for node in model.graph.node:
        node.output[:] = [renames.get(n, n) for n in node.output]
    for value in model.graph.output:
        value.name = renames[value.name]
    data = model.SerializeToString()
    message = {**(output.message or {}), "size": len(data), "sha256": sha256(data)}
    return Output(output.step, message, {"model": data})


# -- the intermediate data (18a) --------------------------------------------------------
def _unit(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Output], Output]:
    """The unit decoded, changed (its tensors, its information) and framed again with its
    own chain: a well-formed unit (true CRC, true size) that says something else."""

    def edit(output: Output) -> Output:
        unit = decode_unit(output.attachments["unit"])
        info = unit.header.intermediate_data_information
        parts = change({"information": info, "tensors": dict(unit.tensors)})
        chain = CodecChain.of(parts["information"])
        point = unit.header.split_point_information
        data = encode_unit(parts["information"], parts["tensors"], chain, split_point=point)
        message = {**(output.message or {}), "size": data.nbytes}
        return Output(output.step, message, {"unit": data.to_bytes()})

    return edit


def _renamed_tensors(parts: dict[str, Any]) -> dict[str, Any]:
    info = parts["information"]
    renamed = [t.model_copy(update={"name": f"{t.name}_renamed"}) for t in info.tensors]
    tensors = {f"{n}_renamed": v for n, v in parts["tensors"].items()}
    return {"information": info.model_copy(update={"tensors": renamed}), "tensors": tensors}


def _shifted_three_int8_steps(parts: dict[str, Any]) -> dict[str, Any]:
    def shift(values: Any) -> Any:
        peak = float(abs(values).max()) or 1.0
        return (values + 3 * peak / 127).astype(values.dtype)

    return {**parts, "tensors": {n: shift(v) for n, v in parts["tensors"].items()}}


# -- the inference output (20b) ---------------------------------------------------------
def _shifted_output(output: Output) -> Output:
    values = bytes_to_array(output.attachments["output"]) + 0.5  # plausible, but wrong
    return Output(output.step, output.message, {"output": array_to_bytes(values)})


def _output_as_float64(output: Output) -> Output:
    values = bytes_to_array(output.attachments["output"]).astype("float64")
    return Output(output.step, output.message, {"output": array_to_bytes(values)})


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "wrong-output",
        "returns an inference output that is not the model's",
        lambda: Mutant(_edit("20b", _shifted_output)),
        "5.2.3.2-split-inference-001",
        "20b",
    ),
    MutantSpec(
        "corrupts-intermediate-data",
        "sends a damaged intermediate data unit",
        lambda: Mutant(_edit("18a", _corrupt("unit"))),
        "5.2.3.2-split-inference-003",
        "18a",
    ),
    MutantSpec(
        "renames-subset-tensors",
        "delivers a UE sub-model whose outputs are not the agreed intermediate tensors",
        lambda: Mutant(_edit("13", _renamed_outputs)),
        "5.2.3.2-split-inference-001",
        "13",
    ),
    MutantSpec(
        "subset-takes-other-input",
        "delivers a UE sub-model whose input is not the model's",
        lambda: Mutant(_edit("13", _renamed_input)),
        "5.2.3.2-split-inference-001",
        "13",
    ),
    MutantSpec(
        "second-subset-renames-output",
        "delivers a second-part UE sub-model that does not output the model's output",
        lambda: Mutant(_edit("13", _renamed_outputs)),
        "5.2.3.2-split-inference-003",
        "13",
    ),
    MutantSpec(
        "session-changes-codec",
        "opens the intermediate data session with another codec than agreed",
        lambda: Mutant(_edit("17b", _data_information(compressionAlgorithms=["ZSTD"]))),
        "5.2.3.2-split-inference-001",
        "17b",
    ),
    MutantSpec(
        "output-as-float64",
        "returns the inference output as float64 where the model computes float32",
        lambda: Mutant(_edit("20b", _output_as_float64)),
        "5.2.3.2-split-inference-001",
        "20b",
    ),
    MutantSpec(
        "unit-wrong-size",
        "announces an intermediate data unit one byte off its size",
        lambda: Mutant(_edit("18a", _size_off_by_one)),
        "5.2.3.2-split-inference-003",
        "18a",
    ),
    MutantSpec(
        "unit-wrong-split-point",
        "announces its intermediate data unit for another split point",
        lambda: Mutant(_edit("18a", _other_split_point)),
        "5.2.3.2-split-inference-003",
        "18a",
    ),
    MutantSpec(
        "unit-renames-tensors",
        "frames its intermediate data under other tensor names than agreed",
        lambda: Mutant(_edit("18a", _unit(_renamed_tensors))),
        "5.2.3.2-split-inference-003",
        "18a",
    ),
    MutantSpec(
        "skews-quantized-data",
        "sends INT8 intermediate data three quantization steps off the true values",
        lambda: Mutant(_edit("18a", _unit(_shifted_three_int8_steps))),
        "5.2.3.2-split-inference-012",
        "18a",
    ),
)
