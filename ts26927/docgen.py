"""Reference pages of the documentation site, generated from the models and the catalogue.

``ts26927 docs generate`` writes ``docs/reference/*.md``; ``ts26927 docs check`` fails when
the committed pages differ, like the schema drift check. Nothing here is written by hand:
each table row comes from a schema property and its ``x-tr26927`` annotation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ts26927 import TR_EDITION, generated, trace
from ts26927.flows import FLOWS
from ts26927.flows.mermaid import sequence_diagram
from ts26927.models.base import RULES_KEY, TR_KEY, TsModel
from ts26927.models.registry import ENGINE_TYPES, MESSAGE_TYPES, METADATA_TYPES
from ts26927.schemas import type_schema

if TYPE_CHECKING:
    import numpy as np

    from ts26927.engine.onnxtools.codecs import CodecChain
    from ts26927.models.intermediate_data import IntermediateDataInformation
    from ts26927.models.split_model import SplitPointInformation

REFERENCE_DIR = "reference"
_OWNED = (f"{REFERENCE_DIR}/*.md",)


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _anchor(name: str) -> str:
    return name.lower()


def type_label(node: dict[str, Any]) -> str:
    """A short human name for a schema node's type, linking model types."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{_anchor(name)})"
    if "anyOf" in node:
        known = [b for b in node["anyOf"] if "$ref" in b]
        if len(known) == 1 and len(node["anyOf"]) == 2:
            return f"{type_label(known[0])} (extensible)"
        return " or ".join(type_label(b) for b in node["anyOf"])
    kind = node.get("type", "any")
    if kind == "array":
        return f"array of {type_label(node['items'])}"
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    if node.get("format") == "date-time":
        return "date-time"
    if node.get("contentEncoding") == "base64":
        return "bytes (base64)"
    return str(kind)


def _bounds(node: dict[str, Any]) -> str:
    parts = []
    for key, label in (
        ("minimum", "≥"),
        ("maximum", "≤"),
        ("minItems", "items ≥"),
        ("maxItems", "items ≤"),
        ("minLength", "length ≥"),
    ):
        if key in node:
            parts.append(
                f"{label} {node[key]:g}" if isinstance(node[key], float) else f"{label} {node[key]}"
            )
    return ", ".join(parts)


def _type_section(name: str, body: dict[str, Any], level: str) -> list[str]:
    lines = [f"{level} {name}", ""]
    if "enum" in body:
        lines += [body.get("description", ""), "", "| value |", "|---|"]
        return lines + [f"| `{v}` |" for v in body["enum"]] + [""]
    lines += [body.get("description", ""), ""]
    lines += [
        "| property | type | required | unit | bounds | TR metadata type | description |",
        "|---|---|---|---|---|---|---|",
    ]
    required = set(body.get("required", []))
    for prop, node in body.get("properties", {}).items():
        tr = node.get(TR_KEY, {})
        tr_name = f"{tr['metadataType']} ({tr['clause']})" if "metadataType" in tr else "—"
        lines.append(
            f"| `{prop}` | {type_label(node)} | {'yes' if prop in required else 'no'} | "
            f"{_cell(tr.get('unit', ''))} | {_bounds(node)} | {_cell(tr_name)} | "
            f"{_cell(node.get('description', ''))} |"
        )
    if rules := body.get(RULES_KEY):
        lines += ["", "Rules across properties:", ""] + [f"- {rule}" for rule in rules]
    return [*lines, ""]


def _types_page(title: str, intro: str, types: tuple[type[TsModel], ...]) -> str:
    lines = [f"# {title}", "", intro, "", f"Implements {TR_EDITION}.", ""]
    names = [cls.__name__ for cls in types]
    defs: dict[str, Any] = {}
    for name in names:
        document = type_schema(name)
        lines += _type_section(name, document, "##")
        defs.update(document.get("$defs", {}))
    shared = sorted(set(defs) - set(names))
    if shared:
        lines += ["## Sub-types and enumerations", ""]
        for sub in shared:
            lines += _type_section(sub, defs[sub], "###")
    return "\n".join(lines).rstrip() + "\n"


def metadata_page() -> str:
    """Every clause 6.6 type and its sub-types, with one row per property."""
    return _types_page(
        "Metadata types",
        "Generated from the models. Each type has a JSON Schema in `schemas/`.",
        METADATA_TYPES,
    )


def messages_page() -> str:
    """Every call-flow message type."""
    return _types_page(
        "Call-flow messages",
        "Generated from the models. The workflow pages say which step carries which message.",
        MESSAGE_TYPES,
    )


def engine_page() -> str:
    """The reference engine's exchange formats."""
    return _types_page(
        "Engine formats",
        "Formats of the reference engine that implementations exchange: the header of an "
        "intermediate data unit and the split selection's candidate configurations.",
        ENGINE_TYPES,
    )


def workflows_page() -> str:
    """Every workflow: its readings of the TR, its step table and its sequence diagram."""
    lines = [
        "# Workflows",
        "",
        "Generated from the step tables in `ts26927/flows/`; the diagrams are drawn from "
        "the same tables.",
        "",
    ]
    for flow in FLOWS.values():
        lines += [
            f"## {flow.id}",
            "",
            f"*{flow.title}* — TR 26.927 clause {flow.clause}, {flow.figure}.",
            "",
        ]
        lines += [f"- {note}" for note in flow.notes]
        lines += [
            "",
            "| step | from | to | action | message | optional | repeats | branch |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for step in flow.steps:
            message = (
                "—"
                if step.message is None
                else (
                    f"[{step.message.__name__}](messages.md#{_anchor(step.message.__name__)})"
                    if step.message in MESSAGE_TYPES
                    else f"[{step.message.__name__}](metadata.md#{_anchor(step.message.__name__)})"
                )
            )
            branch = "; ".join(" / ".join(p) for p in flow.branches(step.id) if p)
            lines.append(
                f"| {step.id} | {step.sender.name} | {step.receiver.name} | "
                f"{_cell(step.action)} | {message} | "
                f"{'yes' if flow.is_optional(step.id) else 'no'} | "
                f"{'yes' if flow.repeats(step.id) else 'no'} | {_cell(branch)} |"
            )
        lines += ["", "```mermaid", sequence_diagram(flow).rstrip(), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def traceability_page() -> str:
    """Every clause 6.6 row of the TR and the property that implements it."""
    lines = [
        "# Traceability: TR 26.927 clause 6.6",
        "",
        "Every metadata type of the TR's clause 6.6 tables and parameter lists, and the "
        "schema property implementing it (generated; `ts26927 trace --json` prints the same).",
        "",
        "| clause | table | TR metadata type | TR example | implemented by |",
        "|---|---|---|---|---|",
    ]
    for entry in trace.build():
        where = (
            ", ".join(
                f"[{i.type_name}](metadata.md#{_anchor(i.type_name)})"
                + (f" `{i.prop}`" if i.prop else "")
                for i in entry.implementations
            )
            or "**not implemented**"
        )
        row = entry.row
        lines.append(
            f"| {row.clause} | {_cell(row.table.title)} | {_cell(row.metadata_type)} | "
            f"{_cell(row.example)} | {where} |"
        )
    lines += [
        "",
        "## Workflow steps",
        "",
        "| clause | figure | flow | step | message | implemented by |",
        "|---|---|---|---|---|---|",
    ]
    for step in trace.workflow_steps():
        message = step["message"] or "—"
        lines.append(
            f"| {step['clause']} | {step['figure']} | "
            f"[{step['flow']}](workflows.md#{step['flow']}) | {step['step']} | "
            f"{message} | `{_cell(step['implementedBy'])}` |"
        )
    return "\n".join(lines) + "\n"


def _check_text(check: Any) -> str:
    """A check with its arguments, as the case gives them."""
    args = f" {_cell(json.dumps(check.args))}" if check.args else ""
    return f"`{check.check}`{args}"


def _case_step_row(step: Any, short: bool = False) -> str:
    source = f"`{step.builder}`" if step.builder else ("inline" if step.message else "—")
    if step.expect_refusal:
        source += " (must be refused)"
    if short:
        return f"{step.step} ({source})"
    checks = ", ".join(_check_text(k) for k in step.checks) or "—"
    optional = " (optional)" if step.optional else ""
    return f"| {step.step}{optional} | {step.by.value} | {source} | {checks} |"


def conformance_page() -> str:
    """The conformance cases and which workflow steps they cover (from the suite data)."""
    from ts26927.conformance.suite import DEFAULT_CASES, SuiteError, load_suite

    try:
        cases = load_suite(DEFAULT_CASES)
    except SuiteError:
        cases = []
    lines = [
        "# Conformance cases",
        "",
        "Generated from `ts26927/conformance/cases/` (installed with the package). Each case "
        "replays one workflow against an implementation under test (IUT); `ts26927 "
        "conformance run` runs them. What the capabilities, IXIT items, preamble states, "
        "fixtures, builders and checks named here mean is on the "
        "[harness reference](harness-reference.md) page.",
        "",
        "| case | clause | IUT | title |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{c.id}` | {c.clause} ({c.figure}) | {c.role.value} | {_cell(c.title)} |" for c in cases
    ]
    for c in cases:
        lines += [
            "",
            f"## {c.id}",
            "",
            f"**Purpose:** {_cell(c.purpose.text())}",
            "",
            f"**Applies when:** `{c.applicability}`",
            "",
            f"**Preamble:** `{c.preamble.state}` with `{_cell(json.dumps(c.preamble.params))}`",
            "",
            *([f"**Fixtures:** `{_cell(json.dumps(c.fixtures))}`", ""] if c.fixtures else []),
            "| step | by | message from | checks |",
            "|---|---|---|---|",
        ]
        lines += [_case_step_row(step) for step in c.steps]
        if c.reactions:
            lines += [
                "",
                "Whenever the IUT performs one of these steps, in any order the workflow "
                "allows (and after the steps above, until it has nothing more to do):",
                "",
                "| IUT step | checks | the test system answers |",
                "|---|---|---|",
            ]
            for reaction in c.reactions:
                checks = ", ".join(_check_text(k) for k in reaction.checks) or "—"
                answer = "; ".join(_case_step_row(s, short=True) for s in reaction.then) or "—"
                lines.append(f"| {reaction.step} | {checks} | {answer} |")
        if c.final:
            lines += ["", "**At the end:** " + ", ".join(_check_text(k) for k in c.final)]
        if c.ends_quiet:
            lines += ["", "**Then** the IUT must perform nothing more."]
    covered = [s for s in trace.workflow_steps() if s["coveredBy"]]
    total = len(trace.workflow_steps())
    lines += [
        "",
        "## Coverage",
        "",
        f"{len(covered)} of {total} workflow steps are "
        "exercised by at least one case; `ts26927 trace --json` lists the cases per step.",
    ]
    return "\n".join(lines) + "\n"


# Intermediate data unit: byte layout. The engine is imported inside these functions: it is
# slow to import and only this page needs it.

#: What each field of the fixed prefix holds, keyed by the names of ``unit.PREFIX_FIELDS``.
_PREFIX_MEANING = {
    "magic": "identifies the format",
    "version": "format version; a decoder refuses every other value",
    "reserved": "a decoder refuses every other value",
    "headerLength": "H, the byte length of the JSON header that follows",
}
_STRUCT_TYPES = {"B": "uint8", "H": "uint16", "I": "uint32", "Q": "uint64"}
_BYTE_ORDERS = {"<": "little-endian", ">": "big-endian"}
_HEX_WIDTH = 16
#: Frame magic numbers of the containers a payload must NOT be in (LZ4 frame, Snappy framing).
_LZ4_FRAME_MAGIC = bytes.fromhex("04224d18")
_SNAPPY_STREAM_IDENTIFIER = bytes.fromhex("ff060000734e61507059")


def unit_example() -> tuple[
    IntermediateDataInformation, dict[str, np.ndarray], CodecChain, SplitPointInformation
]:
    """The worked example's inputs: fixed values and versions, so its bytes never drift."""
    import numpy as np

    from ts26927.engine.onnxtools.codecs import CodecChain
    from ts26927.models.compute import Framework, FrameworkName
    from ts26927.models.intermediate_data import (
        CompressionAlgorithm,
        DataDirection,
        IntermediateDataInformation,
        IntermediateTensor,
    )
    from ts26927.models.split_model import SplitPointInformation
    from ts26927.models.tensors import ElementDataType

    # -0.25 and 2.75 give a zero point other than -128 and reach both ends of the INT8
    # range; 0.5 and 1.5 fall on exact halves of a step, so the example shows how ties round.
    arrays = {
        "features": np.array([[0.0, 0.5, 1.0], [1.5, -0.25, 2.75]], np.float32),
        "indices": np.array([7, -1, 256], np.int64),
    }
    types = {"features": ElementDataType.FLOAT, "indices": ElementDataType.INT64}
    information = IntermediateDataInformation(
        tensor_structure_information=Framework(name=FrameworkName.NUMPY, version="2.0"),
        tensors=[
            IntermediateTensor(
                name=name, tensor_shape=list(array.shape), tensor_element_data_type=types[name]
            )
            for name, array in arrays.items()
        ],
        data_direction=DataDirection.UPSTREAM,
    )
    split = SplitPointInformation(split_point_identifier="relu1", split_point_number=1)
    return information, arrays, CodecChain(precision=CompressionAlgorithm.INT8), split


def hex_dump(data: bytes) -> list[str]:
    """``hexdump -C`` lines of ``data``, every line shown (no ``*`` for repeated lines)."""
    half = _HEX_WIDTH // 2
    lines = []
    for start in range(0, len(data), _HEX_WIDTH):
        chunk = data[start : start + _HEX_WIDTH]
        cells = [f"{b:02x}" for b in chunk] + ["  "] * (_HEX_WIDTH - len(chunk))
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(f"{start:08x}  {' '.join(cells[:half])}  {' '.join(cells[half:])}  |{text}|")
    return [*lines, f"{len(data):08x}"]


def intermediate_data_unit_page() -> str:
    """The byte layout of an intermediate data unit, from the engine's own constants."""
    from ts26927.engine.split.unit import ALIGNMENT, PREFIX

    lines = [
        "# Intermediate data unit: byte layout",
        "",
        "Generated from `ts26927/engine/unit.py`, `codecs.py`, `dtypes.py` and `limits.py`. "
        "This page says everything needed to encode a unit that `decode_unit` accepts and "
        "to decode one that `encode_unit` produces; `ts26927 docs check` fails when the code "
        "and the page disagree. The JSON header's type is on the "
        "[engine formats](engine.md#intermediatedataunitheader) page.",
        "",
        "## Overview",
        "",
        "A unit carries the tensors that cross one split point, as one contiguous byte "
        "string. Offsets count from its first byte; every integer and every tensor element "
        f"is {_BYTE_ORDERS[PREFIX.format[0]]}.",
        "",
        "```text",
        f"{'offset 0':<17}fixed prefix ({PREFIX.size} bytes)",
        f"{f'offset {PREFIX.size}':<17}header: H bytes of UTF-8 JSON",
        f"                 zero padding to a multiple of {ALIGNMENT}, then payload 0",
        f"                 zero padding to a multiple of {ALIGNMENT}, then payload 1",
        "                 ...",
        "                 the last payload; the unit ends with its last byte",
        "```",
        "",
        *_unit_prefix(),
        *_unit_header(),
        *_unit_positions(),
        *_unit_tensor_bytes(),
        *_unit_codecs(),
        *_unit_checks(),
        *_unit_example_section(),
    ]
    return "\n".join(lines).rstrip() + "\n"


def _alias(model: type[TsModel], attribute: str) -> str:
    return str(model.model_fields[attribute].alias)


def _names(values: Any) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _unit_prefix() -> list[str]:
    import struct

    from ts26927.engine.onnxtools.limits import UnitLimits
    from ts26927.engine.split.unit import MAGIC, PREFIX, PREFIX_FIELDS, RESERVED, VERSION

    order = _BYTE_ORDERS[PREFIX.format[0]]
    values = {
        "magic": f"`{MAGIC.hex(' ')}` (ASCII `{MAGIC.decode('ascii')}`)",
        "version": f"`{VERSION}`",
        "reserved": f"`{RESERVED.hex(' ')}`",
        "headerLength": f"H ≤ {UnitLimits().max_header_bytes} (`UnitLimits.max_header_bytes`)",
    }
    lines = [
        "## Fixed prefix",
        "",
        f"The first {PREFIX.size} bytes, {order}, with no gaps between the fields (in Python: "
        f"`struct.Struct({PREFIX.format!r})`).",
        "",
        "| offset | size | field | type | value | meaning |",
        "|---|---|---|---|---|---|",
    ]
    offset = 0
    for name, code in PREFIX_FIELDS:
        size = struct.calcsize(PREFIX.format[0] + code)
        if code.endswith("s"):
            kind = f"{size} bytes"
        else:
            kind = _STRUCT_TYPES[code] + ("" if size == 1 else f", {order}")
        lines.append(
            f"| {offset} | {size} | `{name}` | {kind} | {values[name]} | {_PREFIX_MEANING[name]} |"
        )
        offset += size
    return [*lines, ""]


def _unit_header() -> list[str]:
    from ts26927.engine.split.unit import PREFIX
    from ts26927.models.intermediate_data import IntermediateDataInformation, IntermediateTensor
    from ts26927.models.intermediate_unit import (
        Int8Quantization,
        IntermediateDataUnitHeader,
        TensorPayload,
    )

    info = _alias(IntermediateDataUnitHeader, "intermediate_data_information")
    tensor = f"{info}.{_alias(IntermediateDataInformation, 'tensors')}[i]"
    payload = f"{_alias(IntermediateDataUnitHeader, 'payloads')}[i]"
    quantization = f"{payload}.{_alias(TensorPayload, 'quantization')}"
    rows = [
        (
            f"`{tensor}.{_alias(IntermediateTensor, 'tensor_shape')}`, "
            f"`{tensor}.{_alias(IntermediateTensor, 'tensor_element_data_type')}`",
            "shape and element type of tensor i, as decoded",
        ),
        (
            f"`{info}.{_alias(IntermediateDataInformation, 'compression_algorithms')}`",
            "the unit's codec chain (absent: `NONE`)",
        ),
        (f"`{payload}`", "how tensor i is encoded; payload i is the i-th payload of the unit"),
        (
            f"`{payload}.{_alias(TensorPayload, 'compression_algorithms')}`",
            "the codec chain applied to tensor i, in order",
        ),
        (
            f"`{payload}.{_alias(TensorPayload, 'encoded_element_data_type')}`",
            "element type after the precision reduction",
        ),
        (
            f"`{quantization}.{_alias(Int8Quantization, 'scale')}`, "
            f"`{quantization}.{_alias(Int8Quantization, 'zero_point')}`",
            "the INT8 parameters, present exactly with INT8",
        ),
        (
            f"`{payload}.{_alias(TensorPayload, 'raw_length')}`",
            "bytes after the precision reduction, before the lossless codec",
        ),
        (
            f"`{payload}.{_alias(TensorPayload, 'payload_length')}`",
            "bytes of payload i in the unit",
        ),
    ]
    return [
        "## JSON header",
        "",
        f"Bytes {PREFIX.size} to {PREFIX.size} + H - 1 hold one JSON object (RFC 8259) of type "
        "[IntermediateDataUnitHeader](engine.md#intermediatedataunitheader), in UTF-8; its "
        "properties, their types and their bounds are on that page.",
        "",
        "- UTF-8 without a byte order mark. The H bytes hold the JSON text and nothing else: "
        "no terminating NUL and no padding (only JSON whitespace may surround the object).",
        "- Property order and whitespace do not matter to a decoder: objects may list their "
        "properties in any order, and JSON whitespace may stand between any two tokens. "
        "`encode_unit` writes compact JSON (no whitespace), the properties in the order of "
        "the tables on the engine formats page, characters outside ASCII as UTF-8 rather "
        "than `\\u` escapes.",
        "- Types are strict: unknown properties are refused; an absent optional property is "
        "omitted, `null` is refused; numbers are not accepted as strings nor strings as "
        "numbers; enumeration values are case-sensitive. Write the integers (shape items, "
        "lengths, the zero point) as JSON integers, without a fraction or an exponent; "
        "`scale` may be any JSON number, `1` as well as `1.0`.",
        "- Do not repeat a property name within an object: RFC 8259 leaves its meaning open.",
        "",
        "What the framing and the codecs read from the header (i: the tensor's index):",
        "",
        "| property | use |",
        "|---|---|",
        *[f"| {path} | {use} |" for path, use in rows],
        "",
        "Rules across properties, checked before any payload is read:",
        "",
        *[f"- {rule}" for rule in IntermediateDataUnitHeader.cross_field_rules],
        *[f"- {rule}" for rule in IntermediateDataInformation.cross_field_rules],
        "",
    ]


def _unit_positions() -> list[str]:
    from ts26927.engine.split.unit import ALIGNMENT, PREFIX

    return [
        "## Padding and payload positions",
        "",
        f"Each payload starts at the next multiple of {ALIGNMENT} bytes, counted from the "
        "first byte of the unit:",
        "",
        "```text",
        f"position = {PREFIX.size} + H",
        "for each payload i, in the order of payloads:",
        f"    start = position rounded up to a multiple of {ALIGNMENT}",
        "    bytes position .. start - 1 are padding, each one 0x00",
        "    bytes start .. start + payloadLength - 1 are payload i",
        "    position = start + payloadLength",
        "the unit is exactly position bytes long",
        "```",
        "",
        f"- The padding is `(-position) mod {ALIGNMENT}` bytes (0 to {ALIGNMENT - 1}), never "
        "more: a decoder computes where each payload starts, it does not search for it. This "
        "holds after the header (before the first payload) and between payloads alike.",
        "- Alignment counts from offset 0 of the unit, not from the end of the header: a "
        f"receiver that keeps the unit at a {ALIGNMENT}-byte aligned address can use "
        "uncompressed tensors in place.",
        "- Padding bytes are zero; a decoder refuses any other value.",
        "- The unit ends with the last byte of the last payload: no padding, trailer or "
        "checksum follows, and a decoder refuses trailing bytes. The prefix holds no total "
        "length, so the transport delimits the unit (one message, one HTTP body); a receiver "
        "reading a stream knows the total once it has the header, from the loop above.",
        "",
    ]


def _dtype_encoding(dtype: np.dtype) -> str:
    bits = 8 * dtype.itemsize
    encodings = {
        "f": f"IEEE 754 binary{bits}",
        "i": f"{bits}-bit two's-complement integer",
        "u": f"{bits}-bit unsigned integer",
        "b": "one byte: `00` false, `01` true",
        "c": f"two IEEE 754 binary{bits // 2}: the real part, then the imaginary part",
    }
    return encodings[dtype.kind]


def _unit_tensor_bytes() -> list[str]:
    from ts26927.engine.onnxtools.dtypes import numpy_dtype
    from ts26927.models.tensors import ElementDataType

    lines = [
        "## Tensor bytes",
        "",
        "Before any codec, a tensor is its elements in C order (row-major: the last dimension "
        "varies fastest), packed without gaps, each element little-endian. The element count "
        "is the product of `tensorShape`; every dimension is at least 1, and the empty shape "
        "`[]` is a scalar (one element). A tensor's byte length in an element type is its "
        "element count times that type's size.",
        "",
        "| tensorElementDataType | bytes per element | numpy dtype | element encoding |",
        "|---|---|---|---|",
    ]
    refused = []
    for element in ElementDataType:
        dtype = numpy_dtype(element)
        if dtype is None:
            refused.append(element)
            continue
        lines.append(
            f"| `{element}` | {dtype.itemsize} | `{dtype.str}` | {_dtype_encoding(dtype)} |"
        )
    return [
        *lines,
        "",
        f"A decoder refuses a unit with a tensor of any other type: {_names(refused)}.",
        "",
    ]


def _unit_codecs() -> list[str]:
    import numpy as np

    from ts26927.engine.onnxtools import codecs
    from ts26927.engine.onnxtools.codecs import CodecChain
    from ts26927.engine.onnxtools.dtypes import numpy_dtype
    from ts26927.engine.split.unit import SUPPORTED_ALGORITHMS
    from ts26927.models.intermediate_data import CompressionAlgorithm
    from ts26927.models.intermediate_unit import (
        LOSSLESS,
        PRECISION_REDUCTIONS,
        REDUCIBLE,
        Int8Quantization,
        chain_name,
    )
    from ts26927.models.tensors import ElementDataType

    chains = [
        CodecChain(precision, lossless)
        for precision in (None, *PRECISION_REDUCTIONS)
        for lossless in (None, *LOSSLESS)
    ]
    others = [e for e in ElementDataType if e not in REDUCIBLE and numpy_dtype(e) is not None]
    if any(len({chain_name(c.applied_to(e)) for e in others}) != 1 for c in chains):
        raise RuntimeError("the chains table assumes one path for every non-float type")
    table = [
        "| unit chain | "
        + " | ".join(f"{e} tensor" for e in REDUCIBLE)
        + " | tensor of another type |",
        "|---|" + "---|" * (len(REDUCIBLE) + 1),
    ]
    for chain in chains:
        cells = [f"`{chain_name(chain.applied_to(e))}`" for e in (*REDUCIBLE, others[0])]
        table.append(f"| `{chain.name}` | " + " | ".join(cells) + " |")
    refused = [a for a in CompressionAlgorithm if a not in SUPPORTED_ALGORITHMS]

    int8, half = numpy_dtype(ElementDataType.INT8), numpy_dtype(ElementDataType.FLOAT16)
    if int8 is None or half is None:
        raise RuntimeError("INT8 and FLOAT16 need numpy types")
    low, high = int(np.iinfo(int8).min), int(np.iinfo(int8).max)
    # What the encoder writes for an all-zero tensor, read from its own output.
    zeros = codecs.encode_tensor(
        "zeros",
        np.zeros(1, np.float32),
        ElementDataType.FLOAT,
        CodecChain(CompressionAlgorithm.INT8),
    ).quantization
    if zeros is None:
        raise RuntimeError("INT8 wrote no quantization")
    zero_point = Int8Quantization.model_fields["zero_point"]
    bounds = {type(m).__name__: m for m in zero_point.metadata}
    if (bounds["Ge"].ge, bounds["Le"].le) != (low, high):
        raise RuntimeError("zeroPoint bounds and the INT8 range differ")
    half_max = codecs._HALF_MAX
    # Half a step above the largest half rounds (ties to even) to infinity.
    step = half_max - float(np.nextafter(np.float16(half_max), np.float16(0)))
    overflow = half_max + step / 2
    working = {
        e: numpy_dtype(e if e != ElementDataType.FLOAT16 else ElementDataType.FLOAT)
        for e in REDUCIBLE
    }
    work = ", ".join(f"`{dtype}` for {e}" for e, dtype in working.items())
    # Below these ranges W(1 / scale) overflows to infinity and q is not defined; only
    # tensors whose own type can hold such a small range are concerned.
    smallest = {e: (high - low) / float(np.finfo(w).max) for e, w in working.items()}
    tiny = ", ".join(
        f"{value:.2g} for {e}"
        for e, value in smallest.items()
        if float(np.finfo(numpy_dtype(e)).smallest_subnormal) < value
    )
    own = ", ".join(f"`{numpy_dtype(e)}` for {e}" for e in REDUCIBLE)
    return [
        "## Codec chains",
        "",
        "A codec chain is at most one precision reduction "
        f"({_names(PRECISION_REDUCTIONS)}) followed by at most one lossless codec "
        f"({_names(LOSSLESS)}); `NONE` stands alone. Written with `+` between the names, "
        f"the chains `encode_unit` produces and `decode_unit` undoes are: "
        f"{_names(c.name for c in chains)}. A decoder refuses a payload whose chain names "
        f"{_names(refused)} or a value that is not a compression algorithm.",
        "",
        "### Unit chain and payload chains",
        "",
        "`encode_unit` applies one chain to a unit and writes it to "
        "`intermediateDataInformation.compressionAlgorithms`. Each payload's "
        "`compressionAlgorithms` is that chain as applied to its tensor: the precision "
        f"reduction applies only to {_names(REDUCIBLE)} tensors, and `FLOAT16` is skipped "
        "for a `FLOAT16` tensor; `NONE` when nothing remains. A decoder reads each payload's "
        "own chain (and checks that the unit's chain names every algorithm it uses).",
        "",
        *table,
        "",
        "### Order of the steps",
        "",
        "Encoding one tensor:",
        "",
        "1. Take the tensor's bytes in its `tensorElementDataType` (see tensor bytes above).",
        "2. If the payload chain starts with a precision reduction, convert every element to "
        "`encodedElementDataType` (`FLOAT16` or `INT8`); otherwise `encodedElementDataType` "
        "is the tensor's own type and the bytes stay as they are. `rawLength` is the byte "
        "length of the result: the element count times the size of `encodedElementDataType`.",
        "3. If the payload chain ends with a lossless codec, compress those `rawLength` bytes "
        "into the payload; otherwise the payload is those bytes. `payloadLength` is the "
        "payload's byte length (equal to `rawLength` without a lossless codec).",
        "",
        "Decoding undoes the steps in reverse: decompress the payload into exactly "
        "`rawLength` bytes (any other count is refused); read them as `encodedElementDataType` "
        "elements in C order with the shape `tensorShape`; undo the precision reduction, "
        "giving elements of `tensorElementDataType`.",
        "",
        "### NONE",
        "",
        "The payload is the tensor's bytes: `payloadLength` = `rawLength` = the element "
        "count times the element size. A decoder can use them in place.",
        "",
        "### FLOAT16",
        "",
        f"For {_names(e for e in REDUCIBLE if e != ElementDataType.FLOAT16)} tensors; "
        "`encodedElementDataType` is `FLOAT16`, `rawLength` is the element count times "
        f"{half.itemsize}.",
        "",
        "- Encoding rounds each element to IEEE 754 binary16, to nearest with ties to even, "
        "directly from the tensor's own type (a `DOUBLE` is rounded once, not through "
        "binary32). Subnormal results are kept, infinities and NaN stay infinities and NaN. "
        f"The encoder refuses a tensor with a finite element that would round to an infinity "
        f"(|x| ≥ {overflow:g}; the largest binary16 is {half_max:g}).",
        "- Decoding widens each binary16 exactly to the tensor's type. `decode_unit` also "
        "accepts `FLOAT16` on a `FLOAT16` tensor, where it changes nothing; `encode_unit` "
        "leaves it out there.",
        "",
        "### INT8",
        "",
        f"Per-tensor affine quantization, for {_names(REDUCIBLE)} tensors; "
        "`encodedElementDataType` is `INT8` (two's complement), `rawLength` is the element "
        f"count times {int8.itemsize}. The payload's `quantization` holds `scale` (a "
        f"finite JSON number > 0) and `zeroPoint` (a JSON integer, {low} to {high}).",
        "",
        f"Decoding, exactly as `decode_unit` does it, with T the tensor's own type ({own}):",
        "",
        "```text",
        "x' = T(T(q) - T(zeroPoint)) * T(scale)",
        "```",
        "",
        "Every operation is in T, rounded to nearest with ties to even: `q - zeroPoint` is "
        "exact, `scale` (a binary64 from the JSON) is first rounded to T, then one "
        "multiplication is rounded to T. A decoder does not bound `scale`: one beyond T's "
        "range restores infinities.",
        "",
        "Encoding, exactly as `encode_unit` does it (an encoder may choose other parameters; "
        "the decoder accepts any valid ones, but these reproduce the reference's bytes):",
        "",
        "1. `lo = min(min(x), 0)`, `hi = max(max(x), 0)`, as binary64: the range always holds "
        "0, so 0 is restored exactly (but see below). A tensor holding an infinity or a NaN "
        "is refused.",
        f"2. `scale = (hi - lo) / {high - low}` in binary64; `scale = {zeros.scale!r}` "
        "when `hi = lo` "
        "(all zeros).",
        f"3. `zeroPoint = round(-{-low} - lo / scale)` in binary64, ties to even, clipped to "
        f"{low}..{high}.",
        f"4. With W the working type ({work}): `r = W(1 / scale)` (the reciprocal in "
        f"binary64, then rounded to W); for each element, `q = clip(rint(W(x) * r) + "
        f"zeroPoint, {low}, {high})`, where the product is rounded to W, `rint` rounds to the "
        "nearest integer with ties to even, and the sum is exact. The encoder multiplies by "
        "the reciprocal; dividing by `scale` can round differently.",
        "5. `scale` goes into the JSON as that binary64 value, in any JSON number notation "
        "that reads back as the same binary64 (`encode_unit` writes Python's shortest form, "
        "e.g. `1.0` or `1e-06`; JavaScript's `1` or `0.000001` decode the same).",
        "",
        "A range `hi - lo` so small that `r` overflows W to infinity (below about "
        f"{tiny}) gives products that are infinite or NaN, and the reference's `q` for them "
        "is whatever the platform makes of a NaN converted to an integer: such a tensor has "
        "no well-defined INT8 encoding and should be sent with another chain.",
        "",
        *_unit_lossless(),
    ]


def _unit_lossless() -> list[str]:
    import numpy as np

    from ts26927.engine.onnxtools import codecs
    from ts26927.engine.onnxtools.codecs import CodecChain
    from ts26927.models.intermediate_data import CompressionAlgorithm
    from ts26927.models.intermediate_unit import LOSSLESS
    from ts26927.models.tensors import ElementDataType

    # A sample compressed by the engine itself: the facts below are read from its output.
    sample = np.zeros(256, np.float32)
    out = {
        algorithm: bytes(
            codecs.encode_tensor(
                "sample", sample, ElementDataType.FLOAT, CodecChain(None, algorithm)
            ).payload
        )
        for algorithm in LOSSLESS
    }
    zstd = out[CompressionAlgorithm.ZSTD]
    descriptor = zstd[4]
    content_size = "written" if descriptor >> 6 or descriptor & 0x20 else "not written"
    checksum = "written" if descriptor & 0x04 else "not written"
    dictionary = "a dictionary" if descriptor & 0x03 else "no dictionary"
    if out[CompressionAlgorithm.LZ4].startswith(_LZ4_FRAME_MAGIC):
        raise RuntimeError("LZ4 payloads are frames, not blocks")
    snappy = out[CompressionAlgorithm.SNAPPY]
    if snappy.startswith(_SNAPPY_STREAM_IDENTIFIER):
        raise RuntimeError("SNAPPY payloads use the framing format")
    varint = _varint(sample.nbytes)
    if not snappy.startswith(varint):
        raise RuntimeError("SNAPPY payloads do not start with the raw length")
    sections = {
        CompressionAlgorithm.ZSTD: [
            "#### ZSTD",
            "",
            "- Container: one Zstandard frame, [RFC 8878](https://www.rfc-editor.org/rfc/rfc8878) "
            f"section 3.1.1, starting with the magic number `{zstd[:4].hex(' ')}`.",
            f"- `encode_unit` writes exactly one frame, at level {codecs._ZSTD_LEVEL}, with the "
            f"frame content size {content_size}, the content checksum {checksum} and "
            f"{dictionary}.",
            "- `decode_unit` also accepts a frame without the content size, a frame with a "
            "checksum (which it verifies), several frames one after the other and skippable "
            "frames, as long as the content is exactly `rawLength` bytes; it refuses any "
            "other bytes after the last frame.",
            "- Libraries: Python "
            f"`cramjam.zstd.compress(raw, level={codecs._ZSTD_LEVEL})` and "
            "`cramjam.zstd.decompress_into(payload, out)`; C `ZSTD_compress` and "
            "`ZSTD_decompress` (libzstd); Go `github.com/klauspost/compress/zstd` "
            "(`Encoder.EncodeAll`, `Decoder.DecodeAll`); Node.js `zlib.zstdCompressSync` and "
            "`zlib.zstdDecompressSync` (`node:zlib`, Node.js 22.15 and later).",
            "",
        ],
        CompressionAlgorithm.LZ4: [
            "#### LZ4",
            "",
            "- Container: one LZ4 block ([LZ4 block format]"
            "(https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md)) and nothing "
            "else: not an LZ4 frame (no magic number "
            f"`{_LZ4_FRAME_MAGIC.hex(' ')}`), no length before the block. The length comes "
            "from `rawLength`.",
            "- The block must decompress to exactly `rawLength` bytes and be used up: bytes "
            "after the block's last sequence are refused.",
            "- Libraries: Python `cramjam.lz4.compress_block(raw, store_size=False)` and "
            "`cramjam.lz4.decompress_block_into(payload, out)`; C `LZ4_compress_default` and "
            "`LZ4_decompress_safe`; Go `github.com/pierrec/lz4/v4` (`CompressBlock`, "
            "`UncompressBlock`); Node.js: a binding of the block functions, e.g. the `lz4` "
            "package's `encodeBlock` and `decodeBlock`.",
            "",
        ],
        CompressionAlgorithm.SNAPPY: [
            "#### SNAPPY",
            "",
            "- Container: the Snappy raw format ([format description]"
            "(https://github.com/google/snappy/blob/main/format_description.txt)): a varint "
            "of the uncompressed length, which must be `rawLength`, then the compressed "
            f"elements (for a {sample.nbytes}-byte tensor the payload starts with "
            f"`{varint.hex(' ')}`). Not the framing format: no stream identifier "
            f"`{_SNAPPY_STREAM_IDENTIFIER.hex(' ')}`, no chunks, no CRC.",
            "- The payload must decompress to exactly `rawLength` bytes and be used up.",
            "- Libraries: Python `cramjam.snappy.compress_raw(raw)` and "
            "`cramjam.snappy.decompress_raw_into(payload, out)`; C++ `snappy::RawCompress` and "
            "`snappy::RawUncompress`; Go `github.com/golang/snappy` (`snappy.Encode`, "
            "`snappy.Decode`; not `NewWriter`/`NewReader`, which use the framing format); "
            "Node.js `snappyjs` (`compress`, `uncompress`).",
            "",
        ],
    }
    lines = [
        "### Lossless codecs",
        "",
        "The payload is the `rawLength` bytes compressed in the container below. Every "
        "lossless codec is exact: decoding gives back the very bytes that were compressed.",
        "",
        "Decompress into a buffer of exactly `rawLength` bytes and check that the codec "
        "filled it: a payload that would inflate further then fails instead of allocating. "
        "In Python, with `out = bytearray(rawLength)`, each `cramjam` function named below "
        "returns the count it wrote, which must be `rawLength`. (`cramjam`'s `output_len` "
        "arguments are capacities, not checks: `cramjam.zstd.decompress` returns "
        "`output_len` bytes even when the frame holds fewer.)",
        "",
    ]
    for algorithm in LOSSLESS:
        lines += sections[algorithm]
    return lines


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _unit_checks() -> list[str]:
    import dataclasses

    from ts26927.engine.onnxtools.limits import UnitLimits
    from ts26927.engine.split.unit import MAGIC, PREFIX, RESERVED, SUPPORTED_ALGORITHMS, VERSION
    from ts26927.models.intermediate_data import CompressionAlgorithm

    schema = type_schema("IntermediateDataUnitHeader")
    defs = schema["$defs"]
    limits = {f.name: f.default for f in dataclasses.fields(UnitLimits)}
    refused = _names(a for a in CompressionAlgorithm if a not in SUPPORTED_ALGORITHMS)
    bounds = (
        f"at most {schema['properties']['payloads']['maxItems']} payloads and "
        f"{defs['IntermediateDataInformation']['properties']['tensors']['maxItems']} tensors, "
        f"at most {defs['IntermediateTensor']['properties']['tensorShape']['maxItems']} "
        "dimensions, names of at most "
        f"{defs['TensorPayload']['properties']['name']['maxLength']} characters"
    )
    return [
        "## What a decoder checks",
        "",
        "`decode_unit` refuses a unit, in this order, when:",
        "",
        f"1. it is shorter than the {PREFIX.size}-byte prefix;",
        f"2. the magic is not `{MAGIC.hex(' ')}`, the version is not {VERSION}, or the "
        f"reserved bytes are not `{RESERVED.hex(' ')}`;",
        f"3. H is more than `max_header_bytes` ({limits['max_header_bytes']} by default), or "
        f"{PREFIX.size} + H is more than the unit's length;",
        "4. the header is not UTF-8 JSON of type IntermediateDataUnitHeader: strict types, "
        f"every bound of the engine formats page ({bounds}) and every rule across properties "
        "listed above;",
        "5. payload by payload: its chain names an algorithm the decoder does not undo "
        f"({refused} or an unknown value; the unit's chain may still declare them), or its "
        "tensor's element type is not in the tensor bytes table;",
        "6. the sum over the tensors of (the tensor's byte length in its own type + its "
        f"`rawLength`) is more than `max_decoded_bytes` ({limits['max_decoded_bytes']} by "
        "default): checked from the header alone, before any payload is read, so a tensor "
        "without a precision reduction counts twice;",
        "7. a payload runs past the end of the unit, a padding byte is not zero, or bytes "
        "follow the last payload;",
        "8. a payload does not decompress to exactly `rawLength` bytes.",
        "",
        "Each refusal is an `IntermediateDataError` (a `DecompressionLimitError` in step 6), "
        "except an algorithm that is not undone in step 5: a `CodecNotSupportedError`. The "
        "limits are `ts26927.engine.onnxtools.limits.UnitLimits`; a receiver may pass "
        "tighter ones.",
        "",
        "A decoder does not check, and passes on as they are: `BOOL` bytes other than `00` "
        "and `01`; NaN and infinities in floating-point payloads; restored INT8 values that "
        "overflow the tensor's type; algorithms the unit's chain declares but no payload "
        "uses.",
        "",
    ]


def _unit_example_section() -> list[str]:
    import json
    import struct

    import numpy as np

    from ts26927.engine.onnxtools.dtypes import numpy_dtype
    from ts26927.engine.split.unit import ALIGNMENT, PREFIX, PREFIX_FIELDS, decode_unit, encode_unit
    from ts26927.models.intermediate_unit import chain_name

    information, arrays, chain, split = unit_example()
    data = encode_unit(information, arrays, chain, split_point=split).to_bytes()
    decoded = decode_unit(data)
    header = decoded.header
    length = PREFIX.unpack_from(data)[-1]
    text = data[PREFIX.size : PREFIX.size + length].decode()

    def offset(at: int) -> str:
        return f"0x{at:03x} ({at})"

    regions = []
    position = 0
    for name, code in PREFIX_FIELDS:
        size = struct.calcsize(PREFIX.format[0] + code)
        regions.append((position, size, f"`{name}`: `{data[position : position + size].hex(' ')}`"))
        position += size
    regions.append((position, length, f"header JSON (H = {length})"))
    position += length
    quantized: list[str] = []
    for index, (payload, tensor) in enumerate(
        zip(header.payloads, information.tensors, strict=True)
    ):
        padding = -position % ALIGNMENT
        if padding:
            regions.append((position, padding, "padding, zero bytes"))
            position += padding
        body = data[position : position + payload.payload_length]
        chain_text = chain_name(payload.compression_algorithms)
        regions.append(
            (
                position,
                payload.payload_length,
                f"payload {index}: `{payload.name}`, chain `{chain_text}`, "
                f"{payload.encoded_element_data_type} elements, shape {tensor.tensor_shape}",
            )
        )
        position += payload.payload_length
        encoded = numpy_dtype(payload.encoded_element_data_type)
        if payload.quantization is None:
            values = np.frombuffer(body, encoded).tolist()
            quantized += [
                f"Payload {index} (`{payload.name}`) is the tensor's bytes: {values} as "
                f"`{encoded}`.",
                "",
            ]
        else:
            own = numpy_dtype(tensor.tensor_element_data_type)
            q = np.frombuffer(body, encoded)
            restored = decoded.tensors[payload.name].reshape(-1)
            original = arrays[payload.name].reshape(-1)
            quantized += [
                f"Payload {index} (`{payload.name}`): `scale` = {payload.quantization.scale!r}, "
                f"`zeroPoint` = {payload.quantization.zero_point}.",
                "",
                f"| x | q (byte) | x' restored ({own}) | bits of x' (hex) |",
                "|---|---|---|---|",
                *[
                    f"| {float(x)!r} | {int(v)} (`{int(v) & 0xFF:02x}`) | {r!s} | "
                    f"`{r.tobytes()[::-1].hex()}` |"
                    for x, v, r in zip(original, q, restored, strict=True)
                ],
                "",
            ]
    regions.append((position, 0, f"end of the unit: {len(data)} bytes"))
    inputs = [
        f"{name:<10} {tensor.tensor_element_data_type:<6} {tensor.tensor_shape!s:<7} "
        f"{arrays[name].tolist()}"
        for name, tensor in zip(arrays, information.tensors, strict=True)
    ]
    return [
        "## Worked example",
        "",
        f"A unit of two tensors with the chain `{chain.name}`, built by `encode_unit` when "
        "this page is generated (the inputs are `ts26927.docgen.unit_example()`). The "
        "floating-point tensor is quantized; the integer tensor skips the precision "
        "reduction, so its payload chain is `NONE`. No lossless codec here: its output may "
        "change with the compressor's version while it still decodes the same, and this "
        "page shows only bytes that do not change.",
        "",
        "Inputs:",
        "",
        "```text",
        *inputs,
        "```",
        "",
        "Header, indented here for reading (in the unit it is compact; the dump below has "
        "its exact bytes):",
        "",
        "```json",
        json.dumps(json.loads(text), indent=2, ensure_ascii=False),
        "```",
        "",
        "Where everything is:",
        "",
        "| offset | length | content |",
        "|---|---|---|",
        *[f"| {offset(at)} | {size} | {what} |" for at, size, what in regions],
        "",
        *quantized,
        f"Every byte of the unit (`hexdump -C` layout: offset, {_HEX_WIDTH} bytes, the same "
        "as ASCII):",
        "",
        "```text",
        *hex_dump(data),
        "```",
        "",
    ]


def expected_files() -> dict[str, str]:
    return {
        f"{REFERENCE_DIR}/metadata.md": metadata_page(),
        f"{REFERENCE_DIR}/messages.md": messages_page(),
        f"{REFERENCE_DIR}/engine.md": engine_page(),
        f"{REFERENCE_DIR}/intermediate-data-unit.md": intermediate_data_unit_page(),
        f"{REFERENCE_DIR}/workflows.md": workflows_page(),
        f"{REFERENCE_DIR}/traceability.md": traceability_page(),
        f"{REFERENCE_DIR}/conformance.md": conformance_page(),
        f"{REFERENCE_DIR}/harness-reference.md": _harness_reference(),
    }


def _harness_reference() -> str:
    from ts26927.conformance.reference_page import harness_reference_page

    return harness_reference_page()


def generate(docs_dir: Path) -> list[Path]:
    return generated.write(docs_dir, expected_files(), _OWNED)


def differences(docs_dir: Path) -> list[str]:
    return generated.differences(docs_dir, expected_files(), _OWNED)
