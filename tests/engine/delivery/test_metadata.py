from __future__ import annotations

from tests.engine.builders import residual_model
from ts26927.engine.delivery.metadata import formats, model_information, onnx_release


def test_the_onnx_release_is_the_earliest_that_reads_the_model() -> None:
    model = residual_model(opset=13)
    model.ir_version = 7
    assert onnx_release(model) == "1.8.0"
    model.ir_version = 3
    model.opset_import[0].version = 9
    assert onnx_release(model) == "1.4.1"


def test_the_producing_framework_is_named_when_known() -> None:
    model = residual_model()
    model.producer_name, model.producer_version = "pytorch", "2.1.0"
    assert [(f.name, f.version) for f in formats(model)][1] == ("PYTORCH", "2.1.0")
    model.producer_name = "some-exporter"
    assert len(formats(model)) == 1
    model.producer_name, model.producer_version = "pytorch", "not a version"
    assert len(formats(model)) == 1


def test_sizes_are_per_inference_with_a_dynamic_batch() -> None:
    model = residual_model(batch="N")
    info = model_information(model, "residual", size_bytes=12_345)
    assert info.model_size == 0.012345
    assert info.input_size == 3 * 8 * 8 * 4 / 1000  # one image of 3x8x8 float32
    assert info.output_size == 4 * 4 / 1000
    processing = info.processing_capabilities
    assert processing is not None and processing.computational_complexity
    assert processing.computational_cost is not None
    assert processing.computational_cost > 2 * processing.computational_complexity
    assert info.accuracy is None
