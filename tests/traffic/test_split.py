"""Split operation (7.3): sizes are the real tensors' and units', rates follow from them."""

from __future__ import annotations

import math

import pytest

from ts26927.engine.embedded.zoo import embedded_model
from ts26927.engine.onnxtools.analysis import SplitAnalysis, analyze
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.extraction import SplitExtractor
from ts26927.engine.split.pipeline import describe_intermediate
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import CodecError
from ts26927.models.intermediate_data import DataDirection
from ts26927.traffic.samples import Samples, samples
from ts26927.traffic.split import SplitScenario, SplitTraffic, split_traffic

SCENARIO = SplitScenario(
    fps=(15.0, 30.0, 60.0),
    chains=("NONE", "FLOAT16", "INT8+ZSTD"),
    ue_flops=2e6,
    network_flops=1e9,
    uplink_mbps=0.1,
    latency_ms=5.0,
    budget_ms=60.0,
)

Digits = tuple[SplitAnalysis, Samples, SplitTraffic]


@pytest.fixture(scope="module")
def digits() -> Digits:
    model = embedded_model("digits")
    analysis = analyze(model, label="digits")
    inputs = samples(analysis, count=3)
    return analysis, inputs, split_traffic(model, analysis, inputs, SCENARIO)


def test_raw_sizes_are_the_bytes_the_extracted_head_hands_over(digits: Digits) -> None:
    analysis, inputs, result = digits
    model = embedded_model("digits")
    extractor = SplitExtractor(model, analysis)
    middle = {p.number: p for p in result.points}
    assert [p.number for p in result.points] == list(range(len(analysis.node_names) + 1))
    for candidate in analysis.candidates:
        head = Runner(extractor.extract(candidate.number).head, label="head")
        handed = head.run(inputs.feeds[0])
        point = middle[candidate.number]
        assert point.raw_bytes == sum(handed[t.name].nbytes for t in candidate.crossing)
        assert point.tensors == tuple(t.name for t in candidate.crossing)


def test_boundary_points_send_the_inputs_and_the_outputs(digits: Digits) -> None:
    analysis, inputs, result = digits
    first, last = result.points[0], result.points[-1]
    assert first.raw_bytes == sum(a.nbytes for a in inputs.feeds[0].values())
    assert (first.ue_flop, first.ue_compute_share) == (0, 0.0)
    assert last.raw_bytes == 10 * 4  # ten float32 probabilities
    assert last.network_flop == 0 and last.ue_compute_share == 1.0
    assert last.ue_parameter_bytes == analysis.whole.parameter_bytes


def test_unit_sizes_are_the_encoded_units_lengths(digits: Digits) -> None:
    analysis, inputs, result = digits
    point = next(p for p in result.points if p.name == "relu1")
    model = embedded_model("digits")
    head = Runner(SplitExtractor(model, analysis).extract(point.number).head, label="head")
    for figures in point.codecs:
        chain = CodecChain.parse(figures.chain)
        lengths = []
        for feed in inputs.feeds:
            arrays = head.run(feed)
            data = encode_unit(
                describe_intermediate(arrays, DataDirection.UPSTREAM), arrays, chain
            ).to_bytes()
            assert set(decode_unit(data).tensors) == set(point.tensors)
            lengths.append(len(data))
        assert figures.unit_bytes_max == max(lengths)
        assert figures.unit_bytes_mean == pytest.approx(sum(lengths) / len(lengths))


def test_rates_follow_from_sizes_and_frame_rates(digits: Digits) -> None:
    _, _, result = digits
    for point in result.points:
        for fps in SCENARIO.fps:
            assert point.raw_uplink_mbps[fps] == pytest.approx(point.raw_bytes * 8 * fps / 1e6)
        for figures in point.codecs:
            assert figures.unit_bytes_mean is not None
            for fps in SCENARIO.fps:
                assert figures.uplink_mbps[fps] == pytest.approx(
                    figures.unit_bytes_mean * 8 * fps / 1e6
                )
                fits = figures.uplink_mbps[fps] <= SCENARIO.uplink_mbps
                assert figures.fits_uplink[fps] is fits


def test_the_latency_budget_splits_into_ue_transfer_and_network(digits: Digits) -> None:
    analysis, _, result = digits
    whole = analysis.whole.flops
    verdicts = set()
    for point in result.points:
        assert point.ue_flop + point.network_flop == whole
        assert point.ue_ms == pytest.approx(point.ue_flop / SCENARIO.ue_flops * 1e3)
        assert point.network_ms == pytest.approx(point.network_flop / SCENARIO.network_flops * 1e3)
        for figures in point.codecs:
            assert figures.unit_bytes_mean is not None and figures.total_ms is not None
            transfer = 5.0 + figures.unit_bytes_mean * 8 / 0.1e6 * 1e3
            assert figures.transfer_ms == pytest.approx(transfer)
            assert figures.total_ms == pytest.approx(point.ue_ms + transfer + point.network_ms)
            assert figures.meets_budget == (figures.total_ms <= SCENARIO.budget_ms)
            verdicts.add(figures.meets_budget)
    assert verdicts == {True, False}  # the scenario separates split points


def test_the_ue_share_grows_along_the_model(digits: Digits) -> None:
    _, _, result = digits
    shares = [p.ue_compute_share for p in result.points]
    assert shares == sorted(shares) and shares[0] == 0.0 and math.isclose(shares[-1], 1.0)
    memory = [p.ue_parameter_bytes or 0 for p in result.points]
    assert memory == sorted(memory)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fps", (0.0,)),
        ("fps", ()),
        ("ue_flops", 0.0),
        ("uplink_mbps", -1.0),
        ("budget_ms", math.nan),
        ("latency_ms", -1.0),
    ],
)
def test_bad_scenarios_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field.split("_")[0]):
        SplitScenario(**{field: value})  # type: ignore[arg-type]


def test_an_unknown_codec_chain_is_refused() -> None:
    with pytest.raises(CodecError):
        SplitScenario(chains=("BOGUS",))
