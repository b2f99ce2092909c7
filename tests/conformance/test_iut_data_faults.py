"""Anything wrong in the IUT's data is a fail at the step that carried it, with a reason —
never an error blamed on the test system."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import onnx
import pytest

from ts26927.bindings.attachments import array_to_bytes, bytes_to_array
from ts26927.bindings.base import Output
from ts26927.conformance.mutants import Mutant, _edit
from ts26927.conformance.runner import RunParameters, run_case
from ts26927.conformance.suite import load_suite
from ts26927.conformance.verdict import Verdict
from ts26927.engine.federated.parameters import from_tensors, to_tensors
from ts26927.engine.onnxtools.digest import sha256
from ts26927.models.federated.model_update import ModelUpdateInformation

CASES = {c.id: c for c in load_suite()}
FAST = RunParameters(timeout_multiplier=0.2)


def _message(output: Output, **changes: object) -> Output:
    return Output(output.step, {**(output.message or {}), **changes}, output.attachments)


def _tensors(output: Output, change: Callable[[dict], dict]) -> Output:
    info = dict((output.message or {})["intermediateDataInformation"])
    tensors = [change(dict(t)) for t in info["tensors"]]
    return _message(output, intermediateDataInformation={**info, "tensors": tensors})


def _model(output: Output, data: bytes) -> Output:
    message = {**(output.message or {}), "size": len(data), "sha256": sha256(data)}
    return Output(output.step, message, {"model": data})


def _output(output: Output, change: Callable[[np.ndarray], np.ndarray]) -> Output:
    values = change(bytes_to_array(output.attachments["output"]))
    return Output(output.step, output.message, {"output": array_to_bytes(values)})


def _renamed_inputs(output: Output) -> Output:
    model = onnx.load_from_string(output.attachments["model"])
    old = model.graph.input[0].name
    model.graph.input[0].name = "image"
    for node in model.graph.node:
        node.input[:] = ["image" if n == old else n for n in node.input]
    return _model(output, model.SerializeToString())


def _fl(output: Output, change: Callable[[dict], dict]) -> Output:
    update = ModelUpdateInformation.from_wire(output.message)
    params = change(from_tensors(update.parameters))
    changed = update.model_copy(update={"parameters": to_tensors(params)})
    return Output(output.step, changed.to_wire())


def _first_reshaped(params: dict) -> dict:
    name = next(iter(params))
    return {**params, name: params[name].reshape(-1)}


def _as_double(params: dict) -> dict:
    return {n: a.astype(np.float64) for n, a in params.items()}


def _first_dropped(params: dict) -> dict:
    return dict(list(params.items())[1:])


FAULTS = [
    # (case, step, what, change)
    ("5.2.3.2-split-inference-001", "7a", "names a tensor the model does not have",
     lambda o: _tensors(o, lambda t: {**t, "name": "no-such-tensor"})),
    ("5.2.3.2-split-inference-001", "7a", "a shape the tensor does not have",
     lambda o: _tensors(o, lambda t: {**t, "tensorShape": [1, 3]})),
    ("5.2.3.2-split-inference-001", "7a", "an element type the tensor does not have",
     lambda o: _tensors(o, lambda t: {**t, "tensorElementDataType": "DOUBLE"})),
    ("5.2.3.2-split-inference-001", "13", "no model attachment",
     lambda o: Output(o.step, o.message, {})),
    ("5.2.3.2-split-inference-001", "13", "bytes that are not a model, under their own digest",
     lambda o: _model(o, b"\x08\x01not a model" * 10)),
    ("5.2.3.2-split-inference-ue-source-001", "6", "a UE sub-model taking another input name",
     _renamed_inputs),
    ("5.2.3.2-split-inference-001", "20b", "no output attachment",
     lambda o: Output(o.step, o.message, {})),
    ("5.2.3.2-split-inference-001", "20b", "an output of another element type",
     lambda o: _output(o, lambda a: a.astype(np.float64))),
    ("5.2.3.2-split-inference-001", "20b", "an output of another shape",
     lambda o: _output(o, lambda a: a.reshape(-1))),
    ("5.2.3.2-split-inference-003", "18a", "no unit attachment",
     lambda o: Output(o.step, o.message, {})),
    ("5.2.3.2-split-inference-003", "18a", "a unit that is not a unit",
     lambda o: Output(o.step, o.message, {"unit": b"TSID" + bytes(60)})),
    ("5.2.4.2-federated-learning-001", "5", "a parameter of another shape",
     lambda o: _fl(o, _first_reshaped)),
    ("5.2.4.2-federated-learning-001", "5", "parameters of another element type",
     lambda o: _fl(o, _as_double)),
    ("5.2.4.2-federated-learning-001", "5", "a parameter missing",
     lambda o: _fl(o, _first_dropped)),
]  # fmt: skip


@pytest.mark.parametrize(("case", "step", "what", "change"), FAULTS, ids=[f[2] for f in FAULTS])
def test_a_fault_in_the_iut_s_data_is_a_fail_at_its_step(case, step, what, change) -> None:
    iut = Mutant(_edit(step, change))
    result = run_case(CASES[case], iut, iut.describe(), FAST)
    assert (result.verdict, result.step) == (Verdict.FAIL, step), (what, result.reason)
    assert "test system" not in result.reason
