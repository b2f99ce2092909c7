"""Feasibility is judged with bounds every correct estimate respects: whatever the
reference's selector finds feasible is feasible here too (fairness), and the tight
fixtures make some split points infeasible (sharpness)."""

from __future__ import annotations

import pytest

from ts26927.conformance.feasibility import bounds, infeasibility
from ts26927.conformance.fixtures.profiles import service_requirements, ue_capabilities
from ts26927.conformance.truth import truth
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.split.service import split_service
from ts26927.models.intermediate_data import DataDirection
from ts26927.models.split_configuration import (
    OptimizationPreference,
    SplitDecisionMode,
    SplitTopology,
)

SCENARIOS = [
    ("digits", "ue-ample", "service-digits", SplitTopology.UE_SOURCE_UE_FIRST),
    ("digits", "ue-digits-low-memory", "service-digits", SplitTopology.UE_SOURCE_UE_FIRST),
    ("digits", "ue-digits-slow", "service-digits-fast", SplitTopology.UE_SOURCE_UE_FIRST),
    ("squeezenet", "ue-squeezenet-constrained", "service-image-classification",
     SplitTopology.UE_SOURCE_UE_FIRST),
    ("squeezenet", "ue-squeezenet-constrained", "service-image-classification",
     SplitTopology.NETWORK_SOURCE),
]  # fmt: skip


def _judge(model: str, ue: str, service: str, topology: SplitTopology, configuration) -> list:
    facts = truth(model)
    names = [t.name for t in configuration.intermediate_data_information.tensors]
    cut = facts.cut(names)
    chain = CodecChain.parse(
        [str(a) for a in configuration.intermediate_data_information.compression_algorithms]
    )
    ue_first = topology is SplitTopology.UE_SOURCE_UE_FIRST
    direction = DataDirection.UPSTREAM if ue_first else DataDirection.DOWNSTREAM
    unit = facts.unit(cut, chain, 0, direction)
    coded = sum(p.payload_length for p in unit.header.payloads)
    capabilities = ue_capabilities(ue)
    limits = bounds(cut, chain, capabilities, ue_first, coded)
    measured = facts.accuracy(cut, chain)
    return infeasibility(chain, capabilities, service_requirements(service), limits, measured)


@pytest.mark.parametrize(("model", "ue", "service", "topology"), SCENARIOS)
def test_what_the_reference_finds_feasible_is_feasible(model, ue, service, topology) -> None:
    selection = split_service(model).select(
        service_requirements(service),
        ue_capabilities(ue),
        topology=topology,
        preference=OptimizationPreference.LATENCY,
        mode=SplitDecisionMode.UE,
    )
    assert selection.candidates, "the fixture must leave some configuration feasible"
    for configuration in selection.candidates:
        assert _judge(model, ue, service, topology, configuration) == [], (
            configuration.configuration_identifier
        )


@pytest.mark.parametrize(("model", "ue", "service", "topology"), SCENARIOS[1:])
def test_the_tight_fixtures_make_some_split_points_infeasible(model, ue, service, topology) -> None:
    greedy = split_service(model).select(
        service_requirements(
            "service-image-classification" if model == "squeezenet" else "service-digits"
        ),
        ue_capabilities("ue-ample"),
        topology=topology,
        preference=OptimizationPreference.LATENCY,
        mode=SplitDecisionMode.UE,
    )
    verdicts = [bool(_judge(model, ue, service, topology, c)) for c in greedy.candidates]
    assert any(verdicts) and not all(verdicts)


def test_the_reasons_name_the_limit() -> None:
    facts = truth("squeezenet")
    ue = ue_capabilities("ue-squeezenet-constrained")
    service = service_requirements("service-image-classification")
    late = facts.cut(["r65"])
    chain = CodecChain.parse("NONE")
    reasons = infeasibility(chain, ue, service, bounds(late, chain, ue, True, None), None)
    assert any("MB" in r and "the UE has 4.4 MB" in r for r in reasons)
    early = facts.cut(["r2"])
    reasons = infeasibility(chain, ue, service, bounds(early, chain, ue, True, None), None)
    assert any("exceeds the 60 ms budget" in r for r in reasons)
    zstd = CodecChain.parse("ZSTD")
    reasons = infeasibility(zstd, ue, service, bounds(early, zstd, ue, True, 1000), None)
    assert any("does not support ZSTD" in r for r in reasons)
    digits = truth("digits")
    floor = service_requirements("service-digits-unreachable-accuracy")
    cut = digits.cut(["dense1"])
    measured = digits.accuracy(cut, chain)
    reasons = infeasibility(
        chain, ue_capabilities("ue-ample"), floor, bounds(cut, chain, ue, True, None), measured
    )
    assert any("below the 99.9 % floor" in r for r in reasons)
