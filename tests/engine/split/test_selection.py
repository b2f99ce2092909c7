"""Split selection on the embedded classifier, with accuracies measured on held-out data."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.engine.builders import chain_model
from ts26927.engine.embedded.digits import INPUT, digits_classifier
from ts26927.engine.onnxtools.analysis import SplitAnalysis, analyze
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.split.profiling import measure
from ts26927.engine.split.selection import (
    Measurement,
    SplitSelectionRequest,
    evaluate_configurations,
    rank_configurations,
    select_split,
    supported_chains,
)
from ts26927.errors import SelectionError
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.messages.split import AiModelInformationResponse
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import (
    OptimizationPreference,
    SplitConstraint,
    SplitDecisionMode,
    SplitSelection,
    SplitTopology,
)

CHAINS = [CodecChain.parse(c) for c in ("NONE", "ZSTD", "INT8", "INT8+ZSTD")]
ALGORITHMS = ["NONE", "ZSTD", "INT8", "FLOAT16", "SNAPPY"]


@pytest.fixture(scope="module")
def measured() -> tuple[SplitAnalysis, dict[tuple[str, str], Measurement], float]:
    digits = digits_classifier()
    analysis = analyze(digits.model, label="digits", model_identifier="digits")
    results = measure(
        digits.model, analysis, {INPUT: digits.test_inputs}, digits.test_labels, CHAINS
    )
    return analysis, results, digits.accuracy


def _endpoint(kind: str, flops: float, memory: float, **extra: Any) -> Any:
    return EndpointCapabilityInformation.from_wire(
        {
            "endpointType": kind,
            "processingCapabilities": {
                "processingUnits": [{"kind": "CPU", "computeFlops": flops}],
                "memory": memory,
            },
            "supportedCompressionAlgorithms": ALGORITHMS,
            "connectionCapabilities": "1 Mbps",
            **extra,
        }
    )


def _request(measured: tuple, **changes: Any) -> SplitSelectionRequest:
    analysis, results, accuracy = measured
    base = SplitSelectionRequest(
        analysis=analysis,
        service=ServiceRequirementInformation.from_wire(
            {"maximumServiceInferenceLatency": 100, "minimumServiceInferenceAccuracy": 90}
        ),
        ue=_endpoint("UE", 1e6, 100),
        network=_endpoint("NETWORK", 1e12, 10000),
        chains=CHAINS,
        measurements=results,
        model_accuracy=accuracy,
    )
    return dataclasses.replace(base, **changes)


def test_measured_accuracy_is_real(measured: tuple) -> None:
    analysis, results, accuracy = measured
    assert len(results) == len(analysis.candidates) * len(CHAINS)
    for candidate in analysis.candidates:
        # A lossless unit cannot change a single prediction.
        assert results[(candidate.identifier, "NONE")].accuracy == accuracy
        if candidate.size_bytes >= 128:  # below, the header's scale costs more than it saves
            assert results[(candidate.identifier, "INT8")].unit_bytes < (
                results[(candidate.identifier, "NONE")].unit_bytes
            )
    assert accuracy > 90.0


@pytest.mark.parametrize("preference", list(OptimizationPreference))
def test_ranking_follows_the_preference(
    measured: tuple, preference: OptimizationPreference
) -> None:
    selection = select_split(_request(measured, preference=preference), SplitDecisionMode.UE)
    ranked = selection.candidates
    assert len(ranked) == 6 * 4 and selection.rejected == []
    assert selection.selected == ranked[0]
    key = {
        OptimizationPreference.LATENCY: lambda c: c.total_latency,
        OptimizationPreference.ENERGY: lambda c: c.ue_profile.computational_cost,
        OptimizationPreference.BANDWIDTH: lambda c: c.intermediate_data_size,
    }[preference]
    values = [key(c) for c in ranked]
    assert values == sorted(values)
    assert SplitSelection.from_wire(selection.to_wire()) == selection


def test_latency_estimates_add_up(measured: tuple) -> None:
    analysis, results, _ = measured
    best = select_split(_request(measured), SplitDecisionMode.NETWORK).selected
    assert best is not None
    candidate = analysis.candidate(best.split_point_information.split_point_identifier)
    chain = best.configuration_identifier.split("/")[1]
    assert best.ue_inference_latency == pytest.approx(candidate.head.flops / 1e6 * 1000)
    assert best.network_inference_latency == pytest.approx(candidate.tail.flops / 1e12 * 1000)
    unit = results[(candidate.identifier, chain)].unit_bytes
    result = sum(t.nbytes for t in analysis.outputs)  # sent back to the UE (figure 5.1.2-1)
    assert best.transfer_latency == pytest.approx(8 * (unit + result) / 1e6 * 1000)
    assert best.intermediate_data_size == pytest.approx(unit / 1000)


def test_network_decides_one_configuration(measured: tuple) -> None:
    ue_mode = select_split(_request(measured), SplitDecisionMode.UE)
    network_mode = select_split(_request(measured), SplitDecisionMode.NETWORK)
    assert network_mode.candidates == [ue_mode.candidates[0]] == [network_mode.selected]


def test_selection_is_deterministic(measured: tuple) -> None:
    first = select_split(_request(measured), SplitDecisionMode.UE)
    again = select_split(_request(measured, chains=list(reversed(CHAINS))), SplitDecisionMode.UE)
    assert first == again
    reranked = rank_configurations(first.candidates, OptimizationPreference.BANDWIDTH)
    bandwidth = select_split(
        _request(measured, preference=OptimizationPreference.BANDWIDTH), SplitDecisionMode.UE
    )
    assert reranked == bandwidth.candidates


def _failures(selection: SplitSelection) -> dict[str, list[tuple[SplitConstraint, str]]]:
    return {
        r.configuration_identifier: [(f.constraint, f.detail) for f in r.failed]
        for r in selection.rejected
    }


def test_each_rejection_says_which_constraint_failed(measured: tuple) -> None:
    tensorflow = _endpoint(
        "UE", 1e6, 100, supportedAiFrameworks=[{"name": "TENSORFLOW", "version": "2.13.0"}]
    )
    selection = select_split(_request(measured, ue=tensorflow), SplitDecisionMode.UE)
    assert selection.selected is None and len(selection.rejected) == 24
    for failed in _failures(selection).values():
        assert failed == [
            (SplitConstraint.FRAMEWORK, "the UE supports TENSORFLOW 2.13.0, not ONNX")
        ]

    plain = _endpoint("UE", 1e6, 100, supportedCompressionAlgorithms=["NONE"])
    failures = _failures(select_split(_request(measured, ue=plain), SplitDecisionMode.UE))
    assert "3/NONE" not in failures
    assert failures["3/INT8+ZSTD"] == [
        (SplitConstraint.COMPRESSION, "the UE does not support INT8, ZSTD")
    ]

    small = _endpoint("UE", 1e6, 0.01)  # 10 kB: only the pixel scaling fits on the UE
    failures = _failures(select_split(_request(measured, ue=small), SplitDecisionMode.UE))
    assert not any(key.startswith("1/") for key in failures)
    assert failures["2/NONE"][0][0] is SplitConstraint.UE_MEMORY
    assert "> available 0.01 MB" in failures["2/NONE"][0][1]

    tight = _endpoint("NETWORK", 1e12, 0.001)
    failures = _failures(select_split(_request(measured, network=tight), SplitDecisionMode.UE))
    assert failures["1/NONE"][0][0] is SplitConstraint.NETWORK_MEMORY
    assert "6/NONE" not in failures


def test_accuracy_and_latency_constraints(measured: tuple) -> None:
    strict = ServiceRequirementInformation.from_wire(
        {"maximumServiceInferenceLatency": 0.001, "minimumServiceInferenceAccuracy": 99.9}
    )
    failures = _failures(select_split(_request(measured, service=strict), SplitDecisionMode.UE))
    assert len(failures) == 24
    constraints = [c for c, _ in failures["4/ZSTD"]]
    assert constraints == [SplitConstraint.ACCURACY, SplitConstraint.LATENCY]
    assert "< minimum 99.9 %" in failures["4/ZSTD"][0][1]
    assert "> maximum 0.001 ms" in failures["4/ZSTD"][1][1]

    float16 = [CodecChain.parse("FLOAT16")]  # not measured: a lossy chain's accuracy is unknown
    failures = _failures(select_split(_request(measured, chains=float16), SplitDecisionMode.UE))
    assert failures["1/FLOAT16"] == [
        (SplitConstraint.ACCURACY, "accuracy with FLOAT16 is not known (minimum 90 %)")
    ]

    silent = EndpointCapabilityInformation.from_wire({"endpointType": "UE"})
    failures = _failures(select_split(_request(measured, ue=silent), SplitDecisionMode.UE))
    assert failures["1/NONE"] == [
        (SplitConstraint.LATENCY, "latency not estimable: UE capability not declared")
    ]


def test_default_chains_are_those_both_endpoints_support(measured: tuple) -> None:
    request = _request(measured, chains=None)
    names = sorted(c.name for c in supported_chains(request))
    assert names == sorted(
        [
            "NONE",
            "SNAPPY",
            "ZSTD",
            "FLOAT16",
            "FLOAT16+SNAPPY",
            "FLOAT16+ZSTD",
            "INT8",
            "INT8+SNAPPY",
            "INT8+ZSTD",
        ]
    )
    matched, rejected = evaluate_configurations(request)
    assert len(matched) + len(rejected) == 6 * len(names)


def test_network_first_topology_puts_the_tail_on_the_ue(measured: tuple) -> None:
    analysis, _, _ = measured
    request = _request(
        measured,
        topology=SplitTopology.NETWORK_SOURCE,
        preference=OptimizationPreference.ENERGY,
    )
    best = select_split(request, SplitDecisionMode.NETWORK).selected
    assert best is not None and best.intermediate_data_information.data_direction == "DOWNSTREAM"
    # Least UE work when the UE runs the tail: the last split point.
    assert best.split_point_information.split_point_number == len(analysis.candidates)
    last = analysis.candidates[-1]
    assert best.ue_profile.computational_cost == last.tail.flops


def test_offered_to_the_ue_in_the_model_information_response(measured: tuple) -> None:
    selection = select_split(_request(measured), SplitDecisionMode.UE)
    response = AiModelInformationResponse(
        candidates=selection.candidates,
        preferred_candidate=selection.candidates[0].configuration_identifier,
    )
    again = AiModelInformationResponse.from_wire(response.to_wire())
    assert again == response and again.candidates[0] == selection.selected


def test_nothing_to_select_is_an_error(measured: tuple) -> None:
    with pytest.raises(SelectionError, match="no codec chain"):
        evaluate_configurations(_request(measured, chains=[]))
    single = analyze(chain_model())
    empty = dataclasses.replace(single, candidates=())
    with pytest.raises(SelectionError, match="no split point"):
        evaluate_configurations(_request(measured, analysis=empty))
