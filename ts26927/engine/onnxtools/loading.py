"""Loading ONNX models from untrusted files or bytes, refusing anything unsafe or absurd.

Order of checks, cheapest first, so that a hostile file costs at most a refusal:

1. the file's size against :attr:`ModelLimits.max_model_bytes`, before reading it;
2. protobuf parsing (a file that is not ONNX fails here, or parses into an empty message);
3. every declared tensor size against :attr:`ModelLimits.max_tensor_bytes`, and inline
   data against its declared shape;
4. external data: each location must stay inside the model's folder (symbolic links
   resolved), name a regular file, and its offset/length must fit that file and the shape;
5. the ONNX checker.

External data is loaded only after all of this passed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import onnx
from google.protobuf.message import DecodeError
from onnx.external_data_helper import ExternalDataInfo, load_external_data_for_model

from ts26927.engine.onnxtools.dtypes import from_onnx
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.errors import (
    ExternalDataError,
    MalformedModelError,
    ModelCheckError,
    ModelLoadError,
    ModelSizeError,
)

_EXTERNAL = onnx.TensorProto.EXTERNAL


def load_model(
    source: str | os.PathLike[str] | bytes,
    *,
    limits: ModelLimits | None = None,
    check: bool = True,
) -> onnx.ModelProto:
    """Read an ONNX model from a file path or from bytes, with every safety check.

    External data (only possible from a path) is read from the model's folder after its
    locations were checked. ``check=False`` skips only the ONNX checker, never the safety
    checks.
    """
    limits = limits or ModelLimits()
    if isinstance(source, bytes):
        label, folder = "<bytes>", None
        data = source
        if len(data) > limits.max_model_bytes:
            raise ModelSizeError(label, "model", _over(len(data), limits.max_model_bytes))
    else:
        path = Path(source)
        label, folder = str(path), path.parent
        data = _read(path, limits)
    model = _parse(data, label)
    check_declared_sizes(model, label, limits)
    external = [t for t in _all_tensors(model.graph) if t.data_location == _EXTERNAL]
    if external:
        if folder is None:
            name = external[0].name
            raise ExternalDataError(label, name, "", "external data needs a model file path")
        total = sum(_check_external(t, folder, label) for t in external)
        if total > limits.max_external_bytes:
            raise ModelSizeError(label, "external data", _over(total, limits.max_external_bytes))
        if check:  # the path form of the checker resolves external files itself
            _run_checker(str(source), label)
        load_external_data_for_model(model, str(folder))
    elif check:
        _run_checker(model, label)
    return model


def check_declared_sizes(model: onnx.ModelProto, label: str, limits: ModelLimits) -> None:
    """Refuse tensors and graph inputs whose declared size is absurd or inconsistent."""
    for tensor in _all_tensors(model.graph):
        dims = list(tensor.dims)
        nbytes = _declared_bytes(dims, tensor.data_type, f"tensor {tensor.name!r}", label)
        if nbytes is None:
            continue
        if nbytes > limits.max_tensor_bytes:
            raise ModelSizeError(
                label,
                f"tensor {tensor.name!r}",
                f"shape {dims} declares {nbytes} bytes, {_over(nbytes, limits.max_tensor_bytes)}",
            )
        inline = tensor.data_location != _EXTERNAL and tensor.HasField("raw_data")
        if inline and len(tensor.raw_data) != nbytes:
            raise ModelSizeError(
                label,
                f"tensor {tensor.name!r}",
                f"shape {dims} needs {nbytes} bytes but {len(tensor.raw_data)} are stored",
            )
    for value in model.graph.input:
        shape = value.type.tensor_type.shape
        dims = [d.dim_value for d in shape.dim if d.HasField("dim_value")]
        nbytes = _declared_bytes(dims, value.type.tensor_type.elem_type, "", label)
        if nbytes is not None and nbytes > limits.max_tensor_bytes:
            raise ModelSizeError(
                label,
                f"graph input {value.name!r}",
                f"shape {dims} declares {nbytes} bytes, {_over(nbytes, limits.max_tensor_bytes)}",
            )


def _read(path: Path, limits: ModelLimits) -> bytes:
    label = str(path)
    try:
        if not path.is_file():
            raise ModelLoadError(label, "not a readable regular file")
        size = path.stat().st_size
        if size > limits.max_model_bytes:
            raise ModelSizeError(label, "model file", _over(size, limits.max_model_bytes))
        with path.open("rb") as handle:
            # Read what the file holds (one byte more shows it grew past the limit since
            # stat): asking for the whole limit would reserve it up front.
            data = handle.read(size + 1)
        if len(data) > limits.max_model_bytes:
            raise ModelSizeError(label, "model file", _over(len(data), limits.max_model_bytes))
        return data
    except OSError as error:
        raise ModelLoadError(label, f"cannot read: {error.strerror or error}") from None


def _parse(data: bytes, label: str) -> onnx.ModelProto:
    try:
        model = onnx.load_model_from_string(data)
    except (DecodeError, RuntimeError, ValueError) as error:
        raise MalformedModelError(label, f"not an ONNX model ({error})") from None
    # Protobuf accepts many byte strings (the empty one too) as a message of defaults.
    if model.ir_version <= 0 or not model.HasField("graph"):
        raise MalformedModelError(label, "not an ONNX model (no IR version or no graph)")
    return model


def _run_checker(model: onnx.ModelProto | str, label: str) -> None:
    try:
        onnx.checker.check_model(model)
    except (onnx.checker.ValidationError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelCheckError(label, first) from None


def _declared_bytes(dims: list[int], code: int, what: str, label: str) -> int | None:
    if any(d < 0 for d in dims):
        raise ModelSizeError(label, what or "graph input", f"negative dimension in {dims}")
    element = from_onnx(code)
    if element is None or element.bits is None:
        return None
    return element.byte_length(dims)


def _check_external(tensor: onnx.TensorProto, folder: Path, label: str) -> int:
    """Validate one tensor's external data reference; returns its length in bytes."""
    try:
        info = ExternalDataInfo(tensor)
    except (ValueError, TypeError) as error:
        raise ExternalDataError(label, tensor.name, "", f"malformed reference ({error})") from None
    location = info.location or ""
    if not location:
        raise ExternalDataError(label, tensor.name, location, "no location given")
    if Path(location).is_absolute() or os.path.isabs(location) or location.startswith("\\"):
        raise ExternalDataError(label, tensor.name, location, "absolute paths are refused")
    base = folder.resolve()
    target = (folder / location).resolve()
    if target != base and base not in target.parents:
        raise ExternalDataError(label, tensor.name, location, "points outside the model's folder")
    if not target.is_file():
        raise ExternalDataError(label, tensor.name, location, "is not a regular file")
    offset, length = int(info.offset or 0), info.length
    if offset < 0 or (length is not None and length < 0):
        raise ExternalDataError(label, tensor.name, location, "negative offset or length")
    size = target.stat().st_size
    expected = _declared_bytes(list(tensor.dims), tensor.data_type, "", label)
    if length is None:
        length = size - offset if expected is None else expected
    if expected is not None and length != expected:
        raise ExternalDataError(
            label,
            tensor.name,
            location,
            f"declares {length} bytes but shape {list(tensor.dims)} needs {expected}",
        )
    if offset + length > size:
        raise ExternalDataError(
            label,
            tensor.name,
            location,
            f"declares bytes {offset}..{offset + length} but the file has {size}",
        )
    return length


def _all_tensors(graph: onnx.GraphProto) -> Iterator[onnx.TensorProto]:
    """Every tensor a graph stores: initializers, sparse ones, node attributes, subgraphs."""
    yield from graph.initializer
    for sparse in graph.sparse_initializer:
        yield sparse.values
        yield sparse.indices
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.HasField("t"):
                yield attribute.t
            yield from attribute.tensors
            if attribute.HasField("g"):
                yield from _all_tensors(attribute.g)
            for subgraph in attribute.graphs:
                yield from _all_tensors(subgraph)


def _over(size: int, limit: int) -> str:
    return f"{size} bytes is more than the limit of {limit} bytes"
