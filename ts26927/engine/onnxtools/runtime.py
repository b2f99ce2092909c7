"""Running a (sub-)model with onnxruntime: session settings and checked inputs.

Split inference runs two sessions back to back in one process (head, then tail). By
default onnxruntime's intra-op worker threads *spin* for a while after each run, waiting
for more work; the head's spinning workers then compete with the tail's for the same
cores, which on a 2-core machine makes the pair about twice as slow. Spinning is turned
off here, and the inter-op pool is not used (sequential execution), so every session
gets the cores only while it computes.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Mapping

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.capi import onnxruntime_pybind11_state as _ort_state

from ts26927.errors import InferenceError, InferenceInputError

#: Every exception class onnxruntime's binding raises (they derive from Exception only).
_ORT_ERRORS: tuple[type[BaseException], ...] = tuple(
    c for c in vars(_ort_state).values() if inspect.isclass(c) and issubclass(c, Exception)
)

_ORT_TYPES: dict[str, np.dtype] = {
    f"tensor({name})": np.dtype(dtype)
    for name, dtype in {
        "float": "float32",
        "double": "float64",
        "float16": "float16",
        "int8": "int8",
        "int16": "int16",
        "int32": "int32",
        "int64": "int64",
        "uint8": "uint8",
        "uint16": "uint16",
        "uint32": "uint32",
        "uint64": "uint64",
        "bool": "bool",
    }.items()
}


def session_options(threads: int | None = None, *, spinning: bool = False) -> ort.SessionOptions:
    """Session settings for sessions that share a process: no spinning, sequential.

    ``spinning=True`` restores onnxruntime's default, for measuring what it costs.
    """
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or _usable_cores()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    flag = "1" if spinning else "0"
    options.add_session_config_entry("session.intra_op.allow_spinning", flag)
    options.add_session_config_entry("session.inter_op.allow_spinning", flag)
    options.log_severity_level = 3  # errors only: warnings are not ours to print
    return options


class Runner:
    """One onnxruntime session on the CPU, with inputs checked before they reach it."""

    def __init__(
        self,
        model: onnx.ModelProto,
        *,
        label: str,
        options: ort.SessionOptions | None = None,
    ) -> None:
        self.label = label
        try:
            self._session = ort.InferenceSession(
                model.SerializeToString(),
                sess_options=options or session_options(),
                providers=["CPUExecutionProvider"],
            )
        except _ORT_ERRORS as error:
            raise InferenceError(label, _first_line(error)) from None
        self.inputs = {i.name: (i.type, i.shape) for i in self._session.get_inputs()}
        self.output_names = [o.name for o in self._session.get_outputs()]

    def run(self, feeds: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Run once; every declared input must be given, with its type and rank."""
        self.check_inputs(feeds)
        try:
            values = self._session.run(self.output_names, dict(feeds))
        except _ORT_ERRORS as error:
            raise InferenceError(self.label, _first_line(error)) from None
        return dict(zip(self.output_names, values, strict=True))

    def check_inputs(self, feeds: Mapping[str, np.ndarray]) -> None:
        for name in feeds:
            if name not in self.inputs:
                raise InferenceInputError(
                    self.label, name, f"not an input; inputs are {sorted(self.inputs)}"
                )
        for name, (kind, shape) in self.inputs.items():
            if name not in feeds:
                raise InferenceInputError(self.label, name, "missing")
            value = feeds[name]
            if not isinstance(value, np.ndarray):
                raise InferenceInputError(self.label, name, "not a numpy array")
            expected = _ORT_TYPES.get(kind)
            if expected is not None and value.dtype != expected:
                raise InferenceInputError(
                    self.label, name, f"element type {value.dtype} but the model takes {kind}"
                )
            if len(value.shape) != len(shape):
                raise InferenceInputError(
                    self.label, name, f"shape {list(value.shape)} but the model takes {shape}"
                )
            for got, want in zip(value.shape, shape, strict=True):
                if isinstance(want, int) and want != got:
                    raise InferenceInputError(
                        self.label, name, f"shape {list(value.shape)} but the model takes {shape}"
                    )


def _usable_cores() -> int:
    # The cores this process may run on (a container's CPU set), not the host's count.
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
