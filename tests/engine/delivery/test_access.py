from __future__ import annotations

import numpy as np
import onnx
import pytest

from tests.engine.delivery.models import matmul_model
from ts26927.engine.delivery.access import (
    InferenceEngine,
    describe_variant,
    handover_of,
    receive_variant,
)
from ts26927.engine.delivery.link import Link
from ts26927.engine.delivery.repository import ModelRepository
from ts26927.errors import InferenceError, IntegrityError


def test_bytes_other_than_the_manifest_announced_are_refused(
    digits_repository: ModelRepository,
) -> None:
    variant = digits_repository.variant("digits", "digits-int8")
    server = describe_variant(variant, "digits", "d-1", chunk_size=2048)
    received = receive_variant(server, variant.variant.sha256, Link())
    assert received.data == variant.data
    other = digits_repository.variant("digits", "digits-int16")
    with pytest.raises(IntegrityError, match="against the manifest"):
        receive_variant(server, other.variant.sha256, Link())


def test_the_engine_serves_only_models_it_could_load() -> None:
    engine = InferenceEngine()
    with pytest.raises(InferenceError, match="no model was handed over"):
        engine.infer({"x": np.ones((1, 2), np.float32)})
    model = matmul_model(np.eye(2))
    engine.load(model, handover_of("m", model.SerializeToString(), "m-full"))
    broken = onnx.ModelProto()
    broken.CopyFrom(model)
    broken.graph.node[0].op_type = "NoSuchOperator"
    with pytest.raises(InferenceError):
        engine.load(broken, handover_of("m", broken.SerializeToString(), "m-bad"))
    assert engine.handover is not None and engine.handover.variant_identifier == "m-full"
    out = engine.infer({"x": np.array([[1.0, 2.0]], np.float32)})
    np.testing.assert_array_equal(out["y"], [[1.0, 2.0]])
