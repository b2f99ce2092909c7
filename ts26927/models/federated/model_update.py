"""Model update information — TR 26.927 clause 6.6.6.5.

Network to devices (step 5 of figure 5.2.4-2): the model id, its new parameters, and the
new model id. Device to network (step 15): the model id used for local training and the
updated parameters. Parameters travel as named tensors, raw little-endian bytes in base64,
which is how the TR's "new model vector of values" maps onto a real model's weights.
"""

from __future__ import annotations

from collections import Counter
from typing import Self

from pydantic import model_validator

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, rule_violation, tr_field
from ts26927.models.tensors import ElementDataType, TensorShape
from ts26927.models.units import Base64Bytes, Identifier, Uinteger

_row = tr.FL_UPDATE


class ParameterTensor(TsModel):
    """One named parameter tensor of a model."""

    cross_field_rules = (
        "data holds exactly the packed bytes of tensorShape elements of "
        "tensorElementDataType; STRING tensors are not parameters.",
    )

    name: Identifier = tr_field(
        None, "Name of the parameter (e.g. the ONNX initializer name).", examples=["fc1.weight"]
    )
    tensor_shape: TensorShape = tr_field(None, "Shape of the parameter tensor.", examples=[[2, 2]])
    tensor_element_data_type: ElementDataType = tr_field(
        None, "Element type, named as ONNX TensorProto data types.", examples=["FLOAT"]
    )
    data: Base64Bytes = tr_field(
        None,
        "Raw little-endian element values in row-major order, base64-encoded.",
        examples=["AACAPwAAAEAAAEBAAACAQA=="],
    )

    @model_validator(mode="after")
    def _length_matches(self) -> Self:
        expected = self.tensor_element_data_type.byte_length(self.tensor_shape)
        if expected is None:
            raise rule_violation("parameter_type", "STRING tensors cannot carry model parameters")
        if len(self.data) != expected:
            raise rule_violation(
                "parameter_length",
                "data holds {actual} bytes but shape {shape} of {dtype} needs {expected}",
                actual=len(self.data),
                shape=list(self.tensor_shape),
                dtype=self.tensor_element_data_type.value,
                expected=expected,
            )
        return self


class ModelUpdateInformation(TsModel):
    """New model parameters, in either direction (clause 6.6.6.5)."""

    tr_clause = "6.6.6.5"
    cross_field_rules = ("Parameter names are unique.",)

    model_id: Identifier = tr_field(
        tr.row(_row, "model id"),
        "Identifier of the model to update (from the network) or used for local training "
        "(from a device) — 6.6.6.5.2.",
        examples=["model_1"],
    )
    parameters: list[ParameterTensor] = tr_field(
        tr.row(_row, "Parameters"),
        "The new model vector of values, as named parameter tensors.",
        min_length=1,
        max_length=100000,
        examples=[
            [
                {
                    "name": "fc1.weight",
                    "tensorShape": [2, 2],
                    "tensorElementDataType": "FLOAT",
                    "data": "AACAPwAAAEAAAEBAAACAQA==",
                }
            ]
        ],
    )
    new_model_id: Identifier | None = tr_field(
        tr.row(_row, "New_model_id"),
        "Identifier of the new model when the network sends it to devices after an update.",
        default=None,
        examples=["model_1_round_4"],
    )
    round_number: Uinteger | None = tr_field(
        None,
        "Training round these parameters come from. Added by this library.",
        default=None,
        examples=[3],
    )
    number_of_training_samples: Uinteger | None = tr_field(
        None,
        "Number of local samples the device trained on, the weight of its update in "
        "federated averaging. Added by this library.",
        default=None,
        examples=[512],
    )

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        repeated = [n for n, c in Counter(p.name for p in self.parameters).items() if c > 1]
        if repeated:
            raise rule_violation(
                "parameter_not_unique",
                "parameter names must be unique; repeated: {names}",
                names=", ".join(repeated),
            )
        return self
