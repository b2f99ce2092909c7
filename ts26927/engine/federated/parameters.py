"""Model parameters (named numpy arrays) to and from clause 6.6.6.5 parameter tensors.

On the wire each parameter is raw little-endian bytes in row-major order, its shape and its
ONNX element type; decoding refuses a type this engine does not train with.
"""

from __future__ import annotations

import numpy as np

from ts26927.models.federated.model_update import ModelUpdateInformation, ParameterTensor
from ts26927.models.tensors import ElementDataType

Parameters = dict[str, np.ndarray]

_TO_NUMPY = {
    ElementDataType.FLOAT: np.dtype("<f4"),
    ElementDataType.DOUBLE: np.dtype("<f8"),
    ElementDataType.FLOAT16: np.dtype("<f2"),
}
_FROM_NUMPY = {dtype.newbyteorder("="): element for element, dtype in _TO_NUMPY.items()}


def to_tensors(params: Parameters) -> list[ParameterTensor]:
    """Wire tensors of ``params`` (float arrays only)."""
    tensors = []
    for name, array in params.items():
        element = _FROM_NUMPY.get(array.dtype.newbyteorder("="))
        if element is None:
            raise TypeError(f"parameter {name}: dtype {array.dtype} is not a float type")
        data = np.ascontiguousarray(array, dtype=_TO_NUMPY[element]).tobytes()
        tensors.append(
            ParameterTensor(
                name=name,
                tensor_shape=list(array.shape) or [1] if array.ndim else [],
                tensor_element_data_type=element,
                data=data,
            )
        )
    return tensors


def from_tensors(tensors: list[ParameterTensor]) -> Parameters:
    """Numpy arrays (native byte order) of wire ``tensors``; TypeError for other types."""
    params: Parameters = {}
    for tensor in tensors:
        dtype = _TO_NUMPY.get(tensor.tensor_element_data_type)
        if dtype is None:
            raise TypeError(
                f"parameter {tensor.name}: {tensor.tensor_element_data_type.value} is not a "
                "trainable float type"
            )
        array = np.frombuffer(tensor.data, dtype=dtype).reshape(tensor.tensor_shape)
        params[tensor.name] = array.astype(dtype.newbyteorder("="))
    return params


def update_information(
    params: Parameters,
    model_id: str,
    *,
    new_model_id: str | None = None,
    round_number: int | None = None,
    samples: int | None = None,
) -> ModelUpdateInformation:
    """Model update information carrying ``params``."""
    return ModelUpdateInformation(
        model_id=model_id,
        parameters=to_tensors(params),
        new_model_id=new_model_id,
        round_number=round_number,
        number_of_training_samples=samples,
    )
