"""The header of one intermediate data unit — clause 6.6.3 information plus framing.

An intermediate data unit carries the tensors that cross one split point, from the first
inference endpoint to the second (clause 6.3, the intermediate data delivery and access
functions of clause 5.2.3.1). The TR defines what describes the data (clause 6.6.3) but no
format; this library frames one unit as a JSON header, which embeds the clause 6.6.3
intermediate data information, followed by one payload per tensor. The header says, per
tensor, which codec chain was applied, the INT8 scale and zero point, and the payload's
lengths, so that a receiver can check it before decompressing anything.

A codec chain is written with the compression algorithm values joined by ``+``: at most
one precision reduction (FLOAT16 or INT8, clause 6.3.2 "from 32 bits to 16/8 bits") first,
then at most one lossless codec (SNAPPY, LZ4, ZSTD) or another algorithm (FC_VCM or a
future value); ``NONE`` stands alone. Examples: ``NONE``, ``ZSTD``, ``INT8+ZSTD``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from pydantic import model_validator

from ts26927.models.base import TsModel, rule_violation, tr_field
from ts26927.models.intermediate_data import (
    CompressionAlgorithm,
    CompressionAlgorithmValue,
    IntermediateDataInformation,
)
from ts26927.models.split_model import SplitPointInformation
from ts26927.models.tensors import ElementDataType
from ts26927.models.units import Integer, Uinteger

PRECISION_REDUCTIONS = (CompressionAlgorithm.FLOAT16, CompressionAlgorithm.INT8)
LOSSLESS = (CompressionAlgorithm.SNAPPY, CompressionAlgorithm.LZ4, CompressionAlgorithm.ZSTD)
#: Element types a precision reduction applies to; other tensors skip that step.
REDUCIBLE = (ElementDataType.FLOAT, ElementDataType.DOUBLE, ElementDataType.FLOAT16)
CHAIN_SEPARATOR = "+"


def chain_name(algorithms: Sequence[str]) -> str:
    """The chain's name: the algorithm values joined by ``+`` (e.g. ``INT8+ZSTD``)."""
    return CHAIN_SEPARATOR.join(str(a) for a in algorithms)


def chain_problem(algorithms: Sequence[str]) -> str | None:
    """Why ``algorithms`` is not a well-formed codec chain, or None when it is."""
    if not algorithms:
        return "a codec chain names at least one algorithm"
    if len(set(algorithms)) != len(algorithms):
        return "an algorithm appears twice"
    if CompressionAlgorithm.NONE in algorithms:
        return None if len(algorithms) == 1 else "NONE cannot be combined with other algorithms"
    rest = list(algorithms)
    if rest[0] in PRECISION_REDUCTIONS:
        rest = rest[1:]
    if any(a in PRECISION_REDUCTIONS for a in rest):
        return "at most one precision reduction (FLOAT16 or INT8), and it comes first"
    if len(rest) > 1:
        return "at most one codec follows the precision reduction"
    return None


class Int8Quantization(TsModel):
    """Per-tensor affine INT8 quantization: ``value = (q - zeroPoint) * scale``."""

    scale: float = tr_field(
        None,
        "Step between two consecutive quantized values, in the tensor's unit.",
        gt=0.0,
        allow_inf_nan=False,
        examples=[0.0123],
    )
    zero_point: Integer = tr_field(
        None, "The quantized value that stands for 0.", ge=-128, le=127, examples=[-128]
    )


class TensorPayload(TsModel):
    """How one tensor of the unit is encoded, and where its payload is."""

    name: str = tr_field(
        None,
        "Name of the tensor; payloads come in the order of the intermediate data "
        "information's tensors.",
        min_length=1,
        max_length=256,
        examples=["r87"],
    )
    compression_algorithms: list[CompressionAlgorithmValue] = tr_field(
        None,
        "The codec chain applied to this tensor, in order. A precision reduction is "
        "skipped for tensors that are not floating point, so it may be shorter than the "
        "unit's chain.",
        min_length=1,
        max_length=4,
        examples=[["INT8", "ZSTD"], ["NONE"]],
    )
    encoded_element_data_type: ElementDataType = tr_field(
        None,
        "Element type after the precision reduction (the tensor's own type without one).",
        examples=["INT8"],
    )
    quantization: Int8Quantization | None = tr_field(
        None,
        "Scale and zero point; present exactly when the chain includes INT8.",
        default=None,
        examples=[{"scale": 0.0123, "zeroPoint": -128}],
    )
    raw_length: Uinteger = tr_field(
        None,
        "Length after the precision reduction and before lossless compression, i.e. what "
        "the payload decompresses to.",
        unit="byte",
        examples=[200704],
    )
    payload_length: Uinteger = tr_field(
        None, "Length of the payload as carried in the unit.", unit="byte", examples=[28561]
    )


class IntermediateDataUnitHeader(TsModel):
    """Header of one framed intermediate data unit (carries the clause 6.6.3 information)."""

    tr_clause = "6.6.3"
    cross_field_rules = (
        "payloads list the tensors of intermediateDataInformation, by name and in order.",
        "Each payload's compressionAlgorithms is a well-formed codec chain whose algorithms "
        "all appear in intermediateDataInformation.compressionAlgorithms; NONE is always "
        "allowed (a tensor the chain does not reduce, e.g. an integer one, goes as NONE).",
        "A precision reduction applies only to FLOAT, DOUBLE and FLOAT16 tensors; "
        "encodedElementDataType is FLOAT16 or INT8 with one, the tensor's own type without.",
        "quantization is present exactly when the payload's chain includes INT8.",
        "rawLength is the byte length of the tensor's shape in encodedElementDataType; "
        "without a codec after the precision reduction, payloadLength equals rawLength.",
    )

    split_point_information: SplitPointInformation | None = tr_field(
        None,
        "The split point whose crossing tensors this unit carries.",
        default=None,
        examples=[{"splitPointIdentifier": "87", "splitPointNumber": 87}],
    )
    intermediate_data_information: IntermediateDataInformation = tr_field(
        None,
        "Clause 6.6.3 intermediate data information: tensor names, shapes and element "
        "types, direction, compression algorithm(s) (the unit's codec chain) and tensor "
        "structure.",
        examples=[
            {
                "tensorStructureInformation": {"name": "NUMPY", "version": "2.0"},
                "tensors": [
                    {
                        "name": "r87",
                        "tensorShape": [1, 256, 28, 28],
                        "tensorElementDataType": "FLOAT",
                    }
                ],
                "dataDirection": "UPSTREAM",
                "compressionAlgorithms": ["INT8", "ZSTD"],
            }
        ],
    )
    payloads: list[TensorPayload] = tr_field(
        None,
        "How each tensor is encoded, in the order of the tensors and of their payloads in "
        "the unit.",
        min_length=1,
        max_length=1024,
        examples=[
            [
                {
                    "name": "r87",
                    "compressionAlgorithms": ["INT8", "ZSTD"],
                    "encodedElementDataType": "INT8",
                    "quantization": {"scale": 0.0123, "zeroPoint": -128},
                    "rawLength": 200704,
                    "payloadLength": 28561,
                }
            ]
        ],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        info = self.intermediate_data_information
        tensors = info.tensors
        names = [p.name for p in self.payloads]
        if names != [t.name for t in tensors]:
            raise rule_violation(
                "payloads_mismatch",
                "payloads name {names} but the tensors are {tensors}",
                names=", ".join(names),
                tensors=", ".join(t.name for t in tensors),
            )
        allowed = set(info.compression_algorithms or [CompressionAlgorithm.NONE])
        for index, (payload, tensor) in enumerate(zip(self.payloads, tensors, strict=True)):
            _check_payload(
                index, payload, tensor.tensor_element_data_type, tensor.tensor_shape, allowed
            )
        return self


def _check_payload(
    index: int,
    payload: TensorPayload,
    element: ElementDataType,
    shape: list[int],
    allowed: set[str],
) -> None:
    chain = payload.compression_algorithms
    where = f"payloads/{index}"
    if problem := chain_problem(chain):
        raise rule_violation("codec_chain", "{where}: {problem}", where=where, problem=problem)
    if missing := [a for a in chain if a not in allowed and a != CompressionAlgorithm.NONE]:
        raise rule_violation(
            "codec_not_declared",
            "{where}: {missing} not among the unit's compression algorithms",
            where=where,
            missing=", ".join(missing),
        )
    reduction = chain[0] if chain[0] in PRECISION_REDUCTIONS else None
    if reduction is not None and element not in REDUCIBLE:
        raise rule_violation(
            "precision_type",
            "{where}: {reduction} cannot apply to a {element} tensor",
            where=where,
            reduction=reduction,
            element=element,
        )
    expected = ElementDataType(reduction) if reduction is not None else element
    if payload.encoded_element_data_type != expected:
        raise rule_violation(
            "encoded_type",
            "{where}: encodedElementDataType is {got}, expected {expected}",
            where=where,
            got=payload.encoded_element_data_type,
            expected=expected,
        )
    if (payload.quantization is not None) != (reduction == CompressionAlgorithm.INT8):
        raise rule_violation(
            "quantization", "{where}: quantization must be present exactly with INT8", where=where
        )
    raw = expected.byte_length(shape)
    if raw is not None and payload.raw_length != raw:
        raise rule_violation(
            "raw_length",
            "{where}: rawLength is {got} but shape {shape} of {type} needs {raw}",
            where=where,
            got=payload.raw_length,
            shape=shape,
            type=expected,
            raw=raw,
        )
    compressed = len(chain) > (1 if reduction is not None else 0) and chain != [
        CompressionAlgorithm.NONE
    ]
    if not compressed and payload.payload_length != payload.raw_length:
        raise rule_violation(
            "payload_length",
            "{where}: payloadLength {got} must equal rawLength {raw} without compression",
            where=where,
            got=payload.payload_length,
            raw=payload.raw_length,
        )
