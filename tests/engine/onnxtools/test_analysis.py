"""Split-point analysis: known facts of real topologies, one pass, every lookup path."""

from __future__ import annotations

import onnx
import pytest

from tests.engine.builders import chain_model, residual_model
from ts26927.engine.embedded.zoo import LIGHT, embedded_model
from ts26927.engine.onnxtools import analysis as analysis_module
from ts26927.engine.onnxtools import graph as graph_module
from ts26927.engine.onnxtools.analysis import analyze
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.errors import ModelSizeError, ShapeInferenceError, UnknownSplitPointError
from ts26927.models.split_model import SplitModelInformation, SplitPointFlag, SplitPointInformation

KIB = 1024


@pytest.mark.parametrize("name", sorted(LIGHT))
def test_every_light_model_is_analysed(name: str) -> None:
    result = analyze(embedded_model(name), label=name)
    count = len(result.candidates)
    assert count == len(result.node_names) - 1 > 10
    assert [c.number for c in result.candidates] == list(range(1, count + 1))
    assert result.uncosted == ()
    info = result.split_model_information()
    assert info is not None and info.split_points == count
    assert SplitModelInformation.from_wire(info.to_wire()) == info
    for candidate in result.candidates:
        assert candidate.crossing and candidate.size_bytes
        assert candidate.head.flops + candidate.tail.flops == result.whole.flops
        assert candidate.head.macs + candidate.tail.macs == result.whole.macs
        # Parameters shared by both sides count on both; none are lost.
        assert candidate.head.parameter_bytes + candidate.tail.parameter_bytes >= (
            result.whole.parameter_bytes
        )


def test_resnet50_known_facts() -> None:
    result = analyze(embedded_model("resnet50"))
    assert result.whole.parameters == 25_610_154  # conv + fc weights, BN parameters
    assert round(result.whole.macs / 1e9, 2) == 4.09  # the usual "4.1 GMACs"
    res4 = [
        c
        for c in result.candidates
        if len(c.crossing) == 1 and c.crossing[0].shape == (1, 1024, 14, 14)
    ]
    assert len(res4) == 12  # after each of the six res4 blocks' Sum and Relu
    for candidate in res4:
        # 784 KiB of fp32, which is 802.816 KB in the decimal KB of the TR's tables.
        assert candidate.size_bytes == 784 * KIB == 802_816
        assert candidate.split_point_information().split_point_intermediate_data_size == 802.816
    inside_block = result.candidate(5)  # after the first conv of res2a's main branch
    assert [t.name for t in inside_block.crossing] == ["r3", "r4"]  # shortcut + branch


def test_densenet_concatenations() -> None:
    result = analyze(embedded_model("densenet121"))
    concat = next(c for c in result.candidates if c.op_type == "Concat")
    assert len(concat.crossing) == 1
    before = result.candidate(concat.number - 1)
    assert before.op_type == "Conv" and len(before.crossing) == 2
    # The block input (to be concatenated) and the new layer's features.
    assert {t.shape[1] for t in before.crossing} == {64, 32}


def test_shape_inference_runs_once_and_nothing_is_extracted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    original = graph_module.shape_inference.infer_shapes

    def counting(*args: object, **kwargs: object) -> onnx.ModelProto:
        calls.append(1)
        return original(*args, **kwargs)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the analysis must not extract sub-models")

    monkeypatch.setattr(graph_module.shape_inference, "infer_shapes", counting)
    monkeypatch.setattr(onnx.utils.Extractor, "extract_model", forbidden)
    result = analysis_module.analyze(embedded_model("inception_v1"))
    assert len(result.candidates) > 100 and calls == [1]


def test_weights_as_fills_or_initializers_give_the_same_analysis() -> None:
    fills = analyze(residual_model(fills=True))
    initializers = analyze(residual_model(fills=False))
    assert fills.candidates == initializers.candidates
    assert fills.whole == initializers.whole
    assert fills.whole.parameters == 8 * 27 + 8 + 8 * 8 + 8 * 16 + 4 * 8 + 4


@pytest.mark.parametrize("opset", [9, 11, 13, 17, 21, onnx.defs.onnx_opset_version()])
def test_opsets_nine_to_current(opset: int) -> None:
    result = analyze(residual_model(opset))
    assert [c.name for c in result.candidates][:3] == ["conv1", "relu1", "branch_conv"]
    concat = result.candidate("concat")
    assert [t.name for t in concat.crossing] == ["r1", "cat"]  # residual shortcut crosses too
    pool = result.candidate("pool")
    assert [t.name for t in pool.crossing] == ["r1", "r2", "p1"]


def test_dynamic_batch_is_bound_and_reported() -> None:
    one = analyze(residual_model())
    eight = analyze(residual_model(), bindings={"N": 8})
    assert one.bindings == {"N": 1} and eight.bindings == {"N": 8}
    assert one.inputs[0].dims == ("N", 3, 8, 8) and eight.inputs[0].shape == (8, 3, 8, 8)
    for a, b in zip(one.candidates, eight.candidates, strict=True):
        assert b.size_bytes == 8 * a.size_bytes
        assert b.head.flops == 8 * a.head.flops
        assert b.head.parameter_bytes == a.head.parameter_bytes


def test_compute_estimates_of_a_convolution() -> None:
    result = analyze(residual_model())
    conv1 = result.candidate("conv1")
    # out 1x8x8x8, kernel 3x3x3: 512 * 27 MACs; bias adds 512 FLOPs.
    assert conv1.head.macs == 512 * 27 and conv1.head.flops == 2 * 512 * 27 + 512
    assert conv1.head.parameter_bytes == (8 * 27 + 8) * 4


def test_chain_without_parameters() -> None:
    result = analyze(chain_model())
    assert [c.name for c in result.candidates] == ["relu0", "neg1", "relu2"]
    for candidate in result.candidates:
        assert len(candidate.crossing) == 1 and candidate.size_bytes == 24
        assert candidate.head.parameter_bytes == candidate.tail.parameter_bytes == 0


def test_lookup_by_identifier_number_name_and_split_point_information() -> None:
    result = analyze(residual_model())
    relu1 = result.candidate("relu1")
    assert result.candidate(relu1.number) is relu1
    assert result.candidate(relu1.identifier) is relu1
    after = SplitPointInformation(split_point_identifier="x", split_point_name="relu1")
    assert result.candidate(after) is relu1
    before_next = SplitPointInformation(
        split_point_identifier="y",
        split_point_name=result.node_names[relu1.number],
        split_point_flag=SplitPointFlag.BEFORE,
    )
    assert result.candidate(before_next) is relu1
    by_number = SplitPointInformation(split_point_identifier="z", split_point_number=2)
    assert result.candidate(by_number) is relu1
    # BEFORE the last node is the last cut; AFTER it there is nothing to split.
    last = SplitPointInformation(
        split_point_identifier="w",
        split_point_name=result.node_names[-1],
        split_point_flag=SplitPointFlag.BEFORE,
    )
    assert result.candidate(last) is result.candidates[-1]


@pytest.mark.parametrize("split_point", ["0", "13", "softmax", "nope", 99, "-1"])
def test_unknown_split_points_are_refused(split_point: str | int) -> None:
    result = analyze(residual_model())
    with pytest.raises(UnknownSplitPointError, match="unknown split point") as caught:
        result.candidate(split_point)
    assert caught.value.count == 12


def test_unknown_split_point_information_is_refused() -> None:
    result = analyze(residual_model())
    first = SplitPointInformation(
        split_point_identifier="a", split_point_name="conv1", split_point_flag=SplitPointFlag.BEFORE
    )
    with pytest.raises(UnknownSplitPointError, match="'conv1'"):
        result.candidate(first)


def test_absurd_inferred_size_is_refused() -> None:
    with pytest.raises(ModelSizeError, match=r"tensor '\w+': shape \[1000000000, "):
        analyze(residual_model(), bindings={"N": 10**9})
    small = ModelLimits(max_tensor_bytes=1000)
    with pytest.raises(ModelSizeError, match="more than the limit of 1000 bytes"):
        analyze(residual_model(), limits=small)


def test_inconsistent_shapes_are_a_shape_inference_error() -> None:
    model = residual_model()
    w3 = next(t for t in model.graph.initializer if t.name == "w3")
    w3.CopyFrom(onnx.numpy_helper.from_array(onnx.numpy_helper.to_array(w3)[:5], "w3"))
    with pytest.raises(ShapeInferenceError, match=r"residual_add.*Incompatible dimensions"):
        analyze(model)


def test_to_dict_is_json_ready() -> None:
    import json

    result = analyze(residual_model())
    data = json.loads(json.dumps(result.to_dict()))
    assert data["dimensionBindings"] == {"N": 1}
    assert len(data["candidates"]) == 12
    assert data["candidates"][0]["splitPointInformation"]["splitPointName"] == "conv1"
