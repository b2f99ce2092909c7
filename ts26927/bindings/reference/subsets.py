"""A sub-model handed over or delivered: its bytes with the clause 5.2.3.2 delivery message
(model, subset, size, SHA-256) — one way for every split workflow of the reference."""

from __future__ import annotations

import onnx

from ts26927.bindings.base import Output
from ts26927.engine.onnxtools.digest import sha256
from ts26927.models.messages.common import ModelDataDelivery, ModelSubset


def subset_output(
    step: str, model_identifier: str, model: onnx.ModelProto, subset: ModelSubset
) -> Output:
    """Step ``step`` carrying ``model`` as ``subset``: the UE's sub-model goes with its bytes
    (the ``model`` attachment); the network's is handed over inside the network (no bytes
    cross to the test system)."""
    data = model.SerializeToString()
    message = ModelDataDelivery(
        model_identifier=model_identifier, subset=subset, size=len(data), sha256=sha256(data)
    ).to_wire()
    attachments = {"model": data} if subset is ModelSubset.UE_SUBSET else {}
    return Output(step, message, attachments)
