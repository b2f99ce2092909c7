"""Extraction and execution: head + tail compute what the whole model computes."""

from __future__ import annotations

from functools import cache

import numpy as np
import onnx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.builders import residual_model
from ts26927.engine.embedded.digits import digits_classifier
from ts26927.engine.embedded.inputs import deterministic_inputs
from ts26927.engine.embedded.zoo import embedded_model
from ts26927.engine.onnxtools.analysis import SplitAnalysis, analyze
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner, session_options
from ts26927.engine.split import extraction
from ts26927.engine.split.extraction import SplitExtractor
from ts26927.engine.split.pipeline import SplitPipeline, compare
from ts26927.errors import InferenceError, InferenceInputError, SplitError
from ts26927.models.intermediate_data import DataDirection
from ts26927.models.split_configuration import SplitTopology

TOLERANCE = 1e-5
MODELS = ("digits", "residual", "residual-opset9", "squeezenet")


@cache
def _case(name: str) -> tuple[onnx.ModelProto, SplitAnalysis, dict[str, np.ndarray], dict]:
    if name == "digits":
        model = digits_classifier().model
    elif name == "residual":
        model = residual_model()
    elif name == "residual-opset9":
        model = residual_model(9)
    else:
        model = embedded_model(name, random_weights=True)
    analysis = analyze(model, label=name)
    inputs = deterministic_inputs(analysis, seed=1)
    expected = Runner(model, label=name).run(inputs)
    return model, analysis, inputs, expected


@st.composite
def _cuts(draw: st.DrawFn) -> tuple[str, int]:
    name = draw(st.sampled_from(MODELS))
    count = len(_case(name)[1].candidates)
    return name, draw(st.integers(1, count))


@settings(max_examples=25)
@given(_cuts())
def test_head_and_tail_equal_the_whole_model(cut: tuple[str, int]) -> None:
    name, number = cut
    model, analysis, inputs, expected = _case(name)
    sub = SplitExtractor(model, analysis).extract(number)
    result = SplitPipeline(sub, label=name).run(inputs)
    difference = compare(expected, result.outputs)
    assert difference.max_rel <= TOLERANCE, (name, number, difference)


def test_sub_models_carry_only_what_they_need() -> None:
    model, analysis, _, _ = _case("residual")
    sub = SplitExtractor(model, analysis).extract("branch_relu")
    head_params = {t.name for t in sub.head.graph.initializer}
    tail_params = {t.name for t in sub.tail.graph.initializer}
    assert head_params == {"w1", "b1", "w2"}
    assert tail_params == {"w3", "fc_w", "fc_b"}
    assert sub.head_outputs == sub.tail_inputs == ["r1", "r2"]
    assert sub.tail_outputs == ["probs"]
    for side in (sub.head, sub.tail):
        onnx.checker.check_model(side)
        # The batch dimension stays dynamic in both sub-models.
        assert side.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "N"


def test_ir3_models_get_sub_models_the_checker_accepts() -> None:
    model = embedded_model("squeezenet")
    assert model.ir_version == 3
    analysis = analyze(model)
    sub = SplitExtractor(model, analysis).extract(30)
    assert sub.head.ir_version >= 4 and sub.tail.ir_version >= 4
    assert len(sub.head.graph.node) + len(sub.tail.graph.node) >= len(analysis.node_names)


def test_dynamic_batch_runs_at_any_batch_size() -> None:
    model, analysis, _, _ = _case("digits")
    samples = {"pixels": digits_classifier().test_inputs[:17]}
    expected = Runner(model, label="digits").run(samples)
    result = SplitPipeline(SplitExtractor(model, analysis).extract(3)).run(samples)
    assert result.outputs["probabilities"].shape == (17, 10)
    assert compare(expected, result.outputs).max_rel <= TOLERANCE
    assert result.unit.header.intermediate_data_information.tensors[0].tensor_shape == [17, 64]


@pytest.mark.parametrize(
    ("topology", "direction", "legs"),
    [
        (SplitTopology.UE_SOURCE_UE_FIRST, "UPSTREAM", ["intermediate data", "result"]),
        (SplitTopology.UE_SOURCE_NETWORK_FIRST, "DOWNSTREAM", ["media", "intermediate data"]),
        (SplitTopology.NETWORK_SOURCE, "DOWNSTREAM", ["intermediate data"]),
    ],
)
def test_the_three_topologies(topology: SplitTopology, direction: str, legs: list[str]) -> None:
    model, analysis, inputs, expected = _case("residual")
    pipeline = SplitPipeline(
        SplitExtractor(model, analysis).extract(6),
        topology=topology,
        chain=CodecChain.parse("ZSTD"),
    )
    result = pipeline.run(inputs)
    assert compare(expected, result.outputs).max_rel <= TOLERANCE
    assert [t.what for t in result.transfers] == legs
    unit = result.unit.header.intermediate_data_information
    assert unit.data_direction == DataDirection(direction)
    assert unit.compression_algorithms == ["ZSTD"]
    sizes = {t.what: t.nbytes for t in result.transfers}
    assert sizes["intermediate data"] == result.unit.nbytes
    if "media" in sizes:
        assert sizes["media"] == inputs["x"].nbytes
    if "result" in sizes:
        assert sizes["result"] == expected["probs"].nbytes
    first = "UE" if topology is SplitTopology.UE_SOURCE_UE_FIRST else "network"
    assert pipeline.head.label.endswith(f"head ({first})")


def test_lossy_chain_stays_close_and_shrinks_the_unit() -> None:
    model, analysis, inputs, expected = _case("residual")
    sub = SplitExtractor(model, analysis).extract("concat")
    lossless = SplitPipeline(sub).run(inputs)
    lossy = SplitPipeline(sub, chain=CodecChain.parse("INT8+ZSTD")).run(inputs)
    assert lossy.unit.nbytes < lossless.unit.nbytes
    assert 0 < compare(expected, lossy.outputs).max_rel < 0.05


def test_session_options_do_not_spin() -> None:
    options = session_options(2)
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.get_session_config_entry("session.inter_op.allow_spinning") == "0"
    assert options.intra_op_num_threads == 2 and options.inter_op_num_threads == 1
    default = session_options(spinning=True)
    assert default.get_session_config_entry("session.intra_op.allow_spinning") == "1"


def test_bad_inputs_are_refused_before_the_runtime() -> None:
    model, _, inputs, _ = _case("residual")
    runner = Runner(model, label="residual")
    cases = [
        ({}, "'x': missing"),
        ({**inputs, "y": inputs["x"]}, "'y': not an input"),
        ({"x": inputs["x"].astype(np.float64)}, "element type float64"),
        ({"x": inputs["x"][0]}, r"shape \[3, 8, 8\]"),
        ({"x": np.zeros((1, 3, 9, 8), np.float32)}, r"shape \[1, 3, 9, 8\]"),
        ({"x": [[1.0]]}, "not a numpy array"),
    ]
    for feeds, message in cases:
        with pytest.raises(InferenceInputError, match=message):
            runner.run(feeds)


def test_a_model_the_runtime_refuses_is_an_inference_error() -> None:
    model = residual_model()
    model.graph.node[0].op_type = "NoSuchOperator"
    with pytest.raises(InferenceError, match="residual: inference failed"):
        Runner(model, label="residual")


def test_a_cut_the_checker_refuses_is_a_split_error(monkeypatch: pytest.MonkeyPatch) -> None:
    model, analysis, _, _ = _case("residual")

    def refuse(model: onnx.ModelProto) -> None:
        raise onnx.checker.ValidationError("Graph must be in single static assignment form")

    monkeypatch.setattr(extraction.onnx.checker, "check_model", refuse)
    with pytest.raises(SplitError, match="split point 2 head: not a valid model: Graph must"):
        SplitExtractor(model, analysis).extract(2)


def test_control_flow_with_outer_scope_references_splits_correctly() -> None:
    from onnx import TensorProto, helper

    then_branch = helper.make_graph(
        [helper.make_node("Neg", ["a"], ["t"])],
        "then",
        [],
        [helper.make_tensor_value_info("t", TensorProto.FLOAT, [2])],
    )
    else_branch = helper.make_graph(
        [helper.make_node("Abs", ["a"], ["e"])],
        "else",
        [],
        [helper.make_tensor_value_info("e", TensorProto.FLOAT, [2])],
    )
    graph = helper.make_graph(
        [
            helper.make_node("Relu", ["x"], ["a"], name="relu"),
            helper.make_node("Sigmoid", ["x"], ["s"], name="sigmoid"),
            helper.make_node(
                "If", ["flag"], ["y0"], name="if", then_branch=then_branch, else_branch=else_branch
            ),
            helper.make_node("Add", ["y0", "s"], ["y"], name="add"),
        ],
        "control",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [2]),
            helper.make_tensor_value_info("flag", TensorProto.BOOL, []),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    analysis = analyze(model, label="control")
    after_sigmoid = analysis.candidate("sigmoid")
    # The If node uses "a" only inside its branches: it must still cross.
    assert {t.name for t in after_sigmoid.crossing} == {"flag", "a", "s"}
    inputs = {"x": np.array([-1.0, 2.0], np.float32), "flag": np.array(True)}
    expected = Runner(model, label="control").run(inputs)
    for number in range(1, len(analysis.candidates) + 1):
        sub = SplitExtractor(model, analysis).extract(number)
        assert compare(expected, SplitPipeline(sub).run(inputs).outputs).max_abs == 0.0
