"""Common AI model information — TR 26.927 clause 6.6.2.

Describes an AI model so that the UE or the network can select one for a service; common to
model delivery, split inference and federated learning.
"""

from __future__ import annotations

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, tr_field
from ts26927.models.compute import Framework, ModelProcessingCapabilities
from ts26927.models.units import Identifier, NonNegativeFloat, Percentage, Uinteger

_row = tr.COMMON


class AiModelInformation(TsModel):
    """Characteristics of an AI model usable by an AI media service (clause 6.6.2).

    Only the identifier is mandatory: the TR lists what *may* describe a model.
    """

    tr_clause = "6.6.2"

    model_identifier: Identifier = tr_field(
        tr.row(_row, "Model identifier"),
        "Identifier of an AI model (or a variant of it) for an AI media service: a name, a "
        "number, a combination thereof or a hash value, defined at configuration stage.",
        examples=["model_1", "model_2"],
    )
    number_of_parameters: Uinteger | None = tr_field(
        tr.row(_row, "Number of parameters"),
        "Total number of parameters in the neural network.",
        default=None,
        examples=[11000000],
    )
    model_size: NonNegativeFloat | None = tr_field(
        tr.row(_row, "Model size"),
        "Size of the AI model file.",
        default=None,
        unit="MB",
        examples=[40],
    )
    input_size: NonNegativeFloat | None = tr_field(
        tr.row(_row, "Input size"),
        "Maximum size of the input data the model supports.",
        default=None,
        unit="KB",
        examples=[256],
    )
    output_size: NonNegativeFloat | None = tr_field(
        tr.row(_row, "Output size"),
        "Maximum size of the output data the model supports.",
        default=None,
        unit="KB",
        examples=[256],
    )
    accuracy: Percentage | None = tr_field(
        tr.row(_row, "Accuracy"),
        "Trained accuracy of the model.",
        default=None,
        unit="%",
        examples=[85],
    )
    target_inference_latency: NonNegativeFloat | None = tr_field(
        tr.row(_row, "Target inference latency"),
        "Target inference latency of the model, measured between its input and output "
        "layers, for the typical hardware of the entity that runs the inference.",
        default=None,
        unit="ms",
        examples=[20],
    )
    format_framework: list[Framework] | None = tr_field(
        tr.row(_row, "Format/ framework"),
        "Format or framework expressing the model, with versions. The TR's example names "
        "two ('Pytorch 2.0 ONNX 1.15.0'); we read it as a list whose first entry is the "
        "format of the model file and whose others are the frameworks it came from.",
        default=None,
        min_length=1,
        max_length=16,
        examples=[[{"name": "ONNX", "version": "1.15.0"}, {"name": "PYTORCH", "version": "2.0"}]],
    )
    processing_capabilities: ModelProcessingCapabilities | None = tr_field(
        tr.row(_row, "Processing capabilities"),
        "Estimated capabilities needed to process the model: compute power, cost in "
        "floating-point operations, complexity in MACs and memory for its parameters.",
        default=None,
        examples=[{"processingUnit": {"kind": "NPU", "computeFlops": 1.0e13}, "memory": 10000}],
    )
