"""Facts about one ONNX graph that the split analysis needs, gathered in one pass.

* **Parameters** are initializers and the outputs of *constant* nodes: nodes whose inputs
  are all parameters (``ConstantOfShape`` weight fills, ``Constant``, folded shapes). They
  are not split points: they move with whichever side consumes them.
* **Compute nodes** depend on a real graph input and reach a graph output; the model's node
  order (topological, as ONNX requires) restricted to them is the order of split points.
* **Types** come from ONNX shape inference, run once on a *weight-free skeleton*: large
  initializers are replaced by typed inputs, so inference never copies the weights.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from math import prod

import onnx
from onnx import helper, shape_inference

from ts26927.engine.onnxtools.dtypes import from_onnx
from ts26927.errors import ModelCheckError, ShapeInferenceError
from ts26927.models.tensors import ElementDataType

#: Initializers up to this many elements keep their data in the skeleton: shape inference
#: needs the values of shape-like tensors (Reshape targets, ConstantOfShape shapes).
_SKELETON_KEEP_ELEMENTS = 4096

Dim = int | str | None
"""A dimension as inferred: a size, a symbol (dynamic, e.g. ``"N"``) or unknown."""


@dataclass(frozen=True)
class ValueType:
    """Inferred element type and dimensions of one value; ``dims`` None when rank unknown."""

    element: ElementDataType | None
    dims: tuple[Dim, ...] | None

    def concrete(self, bindings: dict[str, int]) -> tuple[int, ...] | None:
        """The shape with symbols bound; None if a dimension stays unknown."""
        if self.dims is None:
            return None
        out: list[int] = []
        for dim in self.dims:
            value = bindings.get(dim) if isinstance(dim, str) else dim
            if value is None:
                return None
            out.append(value)
        return tuple(out)


@dataclass
class GraphFacts:
    """Classification, order and inferred types of one model's main graph."""

    model: onnx.ModelProto
    real_inputs: list[str]
    outputs: list[str]
    compute: list[onnx.NodeProto]
    names: list[str]
    parameters: dict[str, ValueType]
    types: dict[str, ValueType]
    value_info: dict[str, onnx.ValueInfoProto] = field(repr=False)
    input_symbols: list[str]

    def type_of(self, name: str) -> ValueType:
        return self.types.get(name) or self.parameters.get(name) or ValueType(None, None)


def inspect(model: onnx.ModelProto, label: str) -> GraphFacts:
    """Classify nodes, order the compute nodes and infer every value's type (once)."""
    graph = model.graph
    initializers = {t.name: t for t in graph.initializer}
    real_inputs = [i.name for i in graph.input if i.name not in initializers]
    outputs = [o.name for o in graph.output]
    dynamic = set(real_inputs)
    is_compute: list[bool] = []
    defined = set(initializers) | set(real_inputs)
    for index, node in enumerate(graph.node):
        used = referenced_inputs(node)
        if missing := [name for name in used if name not in defined]:
            raise ModelCheckError(
                label, f"node {index} ({node.op_type}) uses {missing[0]!r} before it is defined"
            )
        compute = any(name in dynamic for name in used)
        is_compute.append(compute)
        outs = [o for o in node.output if o]
        defined.update(outs)
        if compute:
            dynamic.update(outs)
    needed = set(outputs)
    live = [False] * len(graph.node)
    for index in range(len(graph.node) - 1, -1, -1):
        node = graph.node[index]
        if any(o in needed for o in node.output if o):
            live[index] = True
            needed.update(referenced_inputs(node))
    compute_nodes = [n for i, n in enumerate(graph.node) if is_compute[i] and live[i]]
    value_info = _infer(model, label)
    types = {name: _value_type(info) for name, info in value_info.items()}
    parameters = {
        name: ValueType(from_onnx(t.data_type), tuple(t.dims)) for name, t in initializers.items()
    }
    for index, node in enumerate(graph.node):
        if not is_compute[index]:
            for out in node.output:
                if out:
                    parameters[out] = types.get(out, ValueType(None, None))
    symbols: list[str] = []
    for name in real_inputs:
        dims = types[name].dims if name in types else None
        for dim in dims or ():
            if isinstance(dim, str) and dim not in symbols:
                symbols.append(dim)
    return GraphFacts(
        model=model,
        real_inputs=real_inputs,
        outputs=outputs,
        compute=compute_nodes,
        names=_node_names(compute_nodes),
        parameters=parameters,
        types=types,
        value_info=value_info,
        input_symbols=symbols,
    )


def referenced_inputs(node: onnx.NodeProto) -> list[str]:
    """Explicit inputs plus outer-scope names that the node's subgraphs use."""
    names = [name for name in node.input if name]
    for attribute in node.attribute:
        for graph in ([attribute.g] if attribute.HasField("g") else []) + list(attribute.graphs):
            names.extend(n for n in _outer_references(graph) if n not in names)
    return names


def _outer_references(graph: onnx.GraphProto) -> list[str]:
    local = {i.name for i in graph.input} | {t.name for t in graph.initializer}
    found: list[str] = []
    for node in graph.node:
        for name in referenced_inputs(node):
            if name not in local and name not in found:
                found.append(name)
        local.update(node.output)
    return found


def _node_names(nodes: list[onnx.NodeProto]) -> list[str]:
    """Names of the split points: the node's own name when it is given and unique, else
    its first output's name (unique in any valid graph); clashes get ``#<number>``."""
    counts = Counter(n.name for n in nodes if n.name)
    names: list[str] = []
    taken: set[str] = set()
    for number, node in enumerate(nodes, start=1):
        name = (
            node.name
            if node.name and counts[node.name] == 1
            else next((o for o in node.output if o), f"{node.op_type}_{number}")
        )
        if name in taken:
            name = f"{name}#{number}"
        taken.add(name)
        names.append(name)
    return names


def _skeleton(model: onnx.ModelProto) -> onnx.ModelProto:
    """The model without large initializer data: those become typed graph inputs."""
    source = model.graph
    skeleton = onnx.ModelProto(ir_version=model.ir_version)
    skeleton.opset_import.extend(model.opset_import)
    skeleton.functions.extend(model.functions)
    graph = skeleton.graph
    graph.name = source.name
    graph.node.extend(source.node)
    graph.input.extend(source.input)
    graph.output.extend(source.output)
    graph.value_info.extend(source.value_info)
    graph.sparse_initializer.extend(source.sparse_initializer)
    declared = {i.name for i in source.input}
    for tensor in source.initializer:
        if prod(tensor.dims) <= _SKELETON_KEEP_ELEMENTS:
            graph.initializer.append(tensor)
        elif tensor.name not in declared:
            graph.input.append(
                helper.make_tensor_value_info(tensor.name, tensor.data_type, list(tensor.dims))
            )
    return skeleton


def _infer(model: onnx.ModelProto, label: str) -> dict[str, onnx.ValueInfoProto]:
    try:
        inferred = shape_inference.infer_shapes(
            _skeleton(model), check_type=True, strict_mode=True, data_prop=True
        )
    except (shape_inference.InferenceError, onnx.checker.ValidationError) as error:
        raise ShapeInferenceError(label, str(error).strip().splitlines()[0]) from None
    graph = inferred.graph
    return {v.name: v for v in (*graph.value_info, *graph.input, *graph.output)}


def _value_type(info: onnx.ValueInfoProto) -> ValueType:
    if not info.type.HasField("tensor_type"):
        return ValueType(None, None)
    tensor = info.type.tensor_type
    if not tensor.HasField("shape"):
        return ValueType(from_onnx(tensor.elem_type), None)
    dims: list[Dim] = []
    for dim in tensor.shape.dim:
        if dim.HasField("dim_value"):
            dims.append(dim.dim_value)
        elif dim.HasField("dim_param"):
            dims.append(dim.dim_param)
        else:
            dims.append(None)
    return ValueType(from_onnx(tensor.elem_type), tuple(dims))
