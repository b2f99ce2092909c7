"""Intermediate data information for split AI/ML operations — TR 26.927 clause 6.6.3.

Identifies the structure of the intermediate data that a first endpoint outputs and a second
endpoint feeds into its part of the inference after the data crossed the network. A cut
inside a residual block or after a concatenation crosses several tensors, so the data
carries a list of tensors, each with its own shape and element type.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import Self

from pydantic import model_validator

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, rule_violation, tr_field
from ts26927.models.compute import Framework
from ts26927.models.extensible import extensible
from ts26927.models.tensors import ElementDataType, TensorShape
from ts26927.models.units import BYTES_PER_KB, Identifier

_row = tr.INTERMEDIATE


class DataDirection(StrEnum):
    """Direction of transmitted data (closed enum)."""

    UPSTREAM = "UPSTREAM"
    """Uplink: from the UE endpoint to the network endpoint."""
    DOWNSTREAM = "DOWNSTREAM"
    """Downlink: from a network endpoint to the UE endpoint."""


class CompressionAlgorithm(StrEnum):
    """Compression algorithms for intermediate data (extensible).

    NONE, SNAPPY and FC_VCM are the TR's; LZ4 and ZSTD are further lossless codecs;
    FLOAT16 and INT8 are the lossy precision reductions of clause 6.3.2 (32 to 16 or 8
    bits), which may be combined with a lossless codec. FC_VCM is MPEG feature coding for
    machines.
    """

    NONE = "NONE"
    SNAPPY = "SNAPPY"
    FC_VCM = "FC_VCM"
    LZ4 = "LZ4"
    ZSTD = "ZSTD"
    FLOAT16 = "FLOAT16"
    INT8 = "INT8"


CompressionAlgorithmValue = extensible(CompressionAlgorithm)


class IntermediateTensor(TsModel):
    """One tensor of the intermediate data."""

    name: Identifier = tr_field(
        None,
        "Name of the tensor in the model graph (e.g. the ONNX value name). Added by this "
        "library: with several tensors per split, each must be identified.",
        examples=["/layer1/relu/Relu_output_0"],
    )
    tensor_shape: TensorShape = tr_field(
        tr.row(_row, "Tensor shape"),
        "Shape of the tensor: a tuple of positive integers whose length is the number of "
        "dimensions and whose values are the sizes in each dimension.",
        examples=[[1, 64, 64, 64]],
    )
    tensor_element_data_type: ElementDataType = tr_field(
        tr.row(_row, "Tensor element data type"),
        "Data type of the tensor's elements, named as ONNX TensorProto data types (the TR's "
        "'int64' is INT64, 'Float32' is FLOAT).",
        examples=["INT64", "FLOAT"],
    )

    @property
    def size_bytes(self) -> int | None:
        """Uncompressed size in bytes; None for variable-length STRING tensors."""
        return self.tensor_element_data_type.byte_length(self.tensor_shape)


class IntermediateDataInformation(TsModel):
    """Structure of the intermediate data of one split (clause 6.6.3)."""

    tr_clause = "6.6.3"
    cross_field_rules = ("Tensor names are unique.",)

    tensor_structure_information: Framework = tr_field(
        tr.row(_row, "Tensor structure information"),
        "The exact underlying tensor structure of the intermediate data tensors, as a "
        "framework and its exact version (e.g. PyTorch 2.0, TensorFlow 2.13.0, NumPy 1.25).",
        examples=[
            {"name": "PYTORCH", "version": "2.0"},
            {"name": "TENSORFLOW", "version": "2.13.0"},
            {"name": "NUMPY", "version": "1.25"},
        ],
    )
    tensors: list[IntermediateTensor] = tr_field(
        None,
        "The tensors that cross the split, in the order the second endpoint takes them; each "
        "has the TR's tensor shape and tensor element data type. Added by this library as the "
        "list that holds them.",
        min_length=1,
        max_length=1024,
        examples=[
            [{"name": "x", "tensorShape": [1, 64, 64, 64], "tensorElementDataType": "FLOAT"}]
        ],
    )
    data_direction: DataDirection = tr_field(
        tr.row(_row, "Data direction"),
        "Direction of the transmitted data: uplink (UE to network) or downlink (network to "
        "UE); useful to configure an intermediate data delivery session.",
        examples=["UPSTREAM", "DOWNSTREAM"],
    )
    compression_algorithms: list[CompressionAlgorithmValue] | None = tr_field(
        tr.row(_row, "Compression algorithm"),
        "Compression algorithm(s) that can be applied to the intermediate data when the "
        "connection is insufficient for the original data. Absent: no compression (NONE).",
        default=None,
        min_length=1,
        max_length=32,
        examples=[["NONE", "FC_VCM", "SNAPPY"]],
    )

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        repeated = [n for n, c in Counter(t.name for t in self.tensors).items() if c > 1]
        if repeated:
            raise rule_violation(
                "tensor_name_not_unique",
                "tensor names must be unique; repeated: {names}",
                names=", ".join(repeated),
            )
        return self

    @property
    def size_kb(self) -> float | None:
        """Uncompressed size of all tensors in KB; None if any is variable-length."""
        sizes = [t.size_bytes for t in self.tensors]
        if any(size is None for size in sizes):
            return None
        return sum(size for size in sizes if size is not None) / BYTES_PER_KB
