"""Ground truth from the fixture model alone: cuts by tensor names, their facts, the
sub-models composing to the whole, accuracy and unit sizes."""

from __future__ import annotations

import numpy as np
import pytest

from ts26927.conformance.truth import NotACut, truth
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.models.intermediate_data import DataDirection


@pytest.fixture(scope="module")
def digits():
    return truth("digits")


def test_a_cut_after_the_first_dense_layer(digits) -> None:
    cut = digits.cut(["dense1"])
    assert [t.wire() for t in cut.crossing] == [
        {"name": "dense1", "tensorShape": [1, 64], "tensorElementDataType": "FLOAT"}
    ]
    assert cut.raw_bytes == 256
    # scale (1 float) + dense1 weight (64x64) and bias (64), float32
    assert cut.first.parameter_bytes == 4 * (1 + 64 * 64 + 64)
    assert cut.first.flops == 64 + 2 * 64 * 64 + 64  # Mul, Gemm MACs, bias
    assert cut.first.parameter_bytes + cut.second.parameter_bytes == digits.parameter_bytes
    assert cut.first.memory_lower_bytes == cut.first.parameter_bytes + 256


@pytest.mark.parametrize("names", [["scaled"], ["relu1"], ["relu2"], ["dense3"]])
def test_the_two_sub_models_compose_to_the_whole(digits, names: list[str]) -> None:
    cut = digits.cut(names)
    sample = digits.fixture.sample(3)
    crossing = Runner(cut.first_model, label="first").run({"pixels": sample})
    output = Runner(cut.second_model, label="second").run(crossing)["probabilities"]
    np.testing.assert_allclose(output, digits.whole(3), rtol=1e-6)


@pytest.mark.parametrize(
    ("names", "reason"),
    [
        (["dense1.weight"], "is a weight"),
        (["nope"], "not a tensor computed by"),
        (["probabilities"], "no node"),
        ([], "no tensor crosses"),
        (["dense1", "dense1"], "repeat"),
    ],
)
def test_tensors_that_do_not_split_the_model_are_refused(digits, names, reason: str) -> None:
    with pytest.raises(NotACut, match=reason):
        digits.cut(names)


def test_a_cut_that_leaves_a_needed_tensor_behind_is_refused() -> None:
    squeezenet = truth("squeezenet")
    # r6 is half of a fire module's expand pair: the concat also needs r8, which only the
    # model input can give the second sub-model.
    with pytest.raises(NotACut, match="would also need the model input 'data_0'"):
        squeezenet.cut(["r6"])
    two = squeezenet.cut(["r6", "r8"])
    assert two.raw_bytes == 2 * 64 * 55 * 55 * 4


def test_a_cut_after_a_named_node(digits) -> None:
    assert digits.cut_at_node("dense1").names == ("dense1",)
    assert digits.cut_at_node("relu1", "BEFORE").names == ("dense1",)
    with pytest.raises(NotACut, match="no node named"):
        digits.cut_at_node("conv9")


def test_accuracy_of_a_lossless_chain_is_the_whole_model_s(digits) -> None:
    whole = digits.accuracy(None, CodecChain.parse("NONE"))
    assert whole is not None and 90 < whole <= 100
    assert digits.accuracy(digits.cut(["relu1"]), CodecChain.parse("ZSTD")) == whole
    int8 = digits.accuracy(digits.cut(["relu1"]), CodecChain.parse("INT8"))
    assert int8 is not None and abs(int8 - whole) < 5
    assert truth("squeezenet").accuracy(None, CodecChain.parse("NONE")) is None


def test_unit_sizes_follow_the_chain(digits) -> None:
    cut = digits.cut(["dense1"])
    sizes = {
        chain: digits.unit(cut, CodecChain.parse(chain), 0, DataDirection.UPSTREAM).nbytes
        for chain in ("NONE", "FLOAT16", "INT8")
    }
    assert sizes["NONE"] > sizes["FLOAT16"] > sizes["INT8"]
    unit = digits.unit(cut, CodecChain.parse("NONE"), 0, DataDirection.UPSTREAM)
    assert sum(p.payload_length for p in unit.header.payloads) == 256
