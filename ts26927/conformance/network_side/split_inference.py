"""Network mutants of split inference's detailed flow (5.2.3.2), up to the split decision
(steps 2a to 9b): the reference network that ignores the UE's limits or the service's
requirements, misstates the candidates it offers (4b), or decides (7a) a configuration
whose intermediate data is not what the model at that split point produces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ts26927.bindings.base import Output
from ts26927.bindings.reference.split_inference import NetworkSplitInference
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.split.service import split_service
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import SplitConfiguration, SplitDecisionMode

from ..mutants import (
    _UNLIMITED_UE,
    Mutant,
    MutantSpec,
    _data_information,
    _edit,
    _message,
    _without_accuracy,
)


# -- the UE's limits and the service's requirements ---------------------------------------
class _LoadsTheUe(NetworkSplitInference):
    """Ignores the UE's memory, compute, bandwidth and codecs and the service's budget and
    accuracy floor; puts as much of the model as it can on the UE."""

    def _select(self, request: Any, mode: SplitDecisionMode) -> list[SplitConfiguration]:
        selection = self.service.select(
            ServiceRequirementInformation(),
            _UNLIMITED_UE,
            topology=self.topology,
            preference="LATENCY",  # type: ignore[arg-type]
            mode=SplitDecisionMode.UE,
        )
        heaviest = sorted(
            selection.candidates,
            key=lambda c: (-(c.ue_profile.computational_cost or 0), c.intermediate_data_size),
        )
        return heaviest[:1] if mode is SplitDecisionMode.NETWORK else heaviest


def _loads_the_ue() -> Mutant:
    mutant = Mutant()
    mutant.players[("split-inference", "NETWORK")] = lambda p, o: _LoadsTheUe(
        split_service(str(p.get("model", "digits"))), p, o
    )
    return mutant


# -- the candidates offered (4b) ----------------------------------------------------------
def _candidates(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Output], Output]:
    def edit(output: Output) -> Output:
        candidates = [change(dict(c)) for c in (output.message or {})["candidates"]]
        return _message(output, candidates=candidates)

    return edit


def _oversized(candidate: dict[str, Any]) -> dict[str, Any]:
    return {**candidate, "intermediateDataSize": candidate["intermediateDataSize"] * 4}


def _flattering(candidate: dict[str, Any]) -> dict[str, Any]:
    return {**candidate, "accuracy": min(100.0, (candidate.get("accuracy") or 90.0) + 5)}


def _understated(candidate: dict[str, Any]) -> dict[str, Any]:
    parts = ("ueInferenceLatency", "transferLatency", "networkInferenceLatency", "totalLatency")
    return {k: (v / 10 if k in parts else v) for k, v in candidate.items()}


def _other_topology(candidate: dict[str, Any]) -> dict[str, Any]:
    """The candidate for the network-source topology, consistently (data downlink)."""
    info = {**candidate["intermediateDataInformation"], "dataDirection": "DOWNSTREAM"}
    return {**candidate, "topology": "NETWORK_SOURCE", "intermediateDataInformation": info}


def _coded_size_oversized(candidate: dict[str, Any]) -> dict[str, Any]:
    """Four times the size, on the candidates whose chain ends in a lossless coder only
    (their size is judged as a maximum)."""
    chain = CodecChain.parse(candidate["intermediateDataInformation"]["compressionAlgorithms"])
    return _oversized(candidate) if chain.lossless is not None else candidate


def _without_total_latency(candidate: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in candidate.items() if k != "totalLatency"}


def _latencies_in_microseconds(candidate: dict[str, Any]) -> dict[str, Any]:
    return {k: (v * 1000 if k.endswith("Latency") else v) for k, v in candidate.items()}


def _profile(**scale: float) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def change(candidate: dict[str, Any]) -> dict[str, Any]:
        profile = dict(candidate["ueProfile"])
        for key, factor in scale.items():
            profile[key] *= factor
        return {**candidate, "ueProfile": profile}

    return change


# -- the configuration decided (7a) -------------------------------------------------------
def _wrong_shape(output: Output) -> Output:
    info = dict(output.message["intermediateDataInformation"])  # type: ignore[index]
    tensors = [dict(t) for t in info["tensors"]]
    tensors[0]["tensorShape"] = [*tensors[0]["tensorShape"][:-1], tensors[0]["tensorShape"][-1] * 2]
    return _message(output, intermediateDataInformation={**info, "tensors": tensors})


def _codec_the_ue_lacks(output: Output) -> Output:
    info = dict(output.message["intermediateDataInformation"])  # type: ignore[index]
    return _message(output, intermediateDataInformation={**info, "compressionAlgorithms": ["INT8"]})


def _unknown_tensor(output: Output) -> Output:
    info = dict((output.message or {})["intermediateDataInformation"])
    tensors = [{**t, "name": "no-such-tensor"} for t in info["tensors"]]
    return _message(output, intermediateDataInformation={**info, "tensors": tensors})


def _point_size_times_four(output: Output) -> Output:
    point = dict((output.message or {})["splitPointInformation"])
    point["splitPointIntermediateDataSize"] *= 4
    return _message(output, splitPointInformation=point)


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "wrong-tensor-shape",
        "declares a wrong intermediate tensor shape",
        lambda: Mutant(_edit("7a", _wrong_shape)),
        "5.2.3.2-split-inference-001",
        "7a",
    ),
    MutantSpec(
        "ignores-ue-codecs",
        "chooses a codec the UE does not support",
        lambda: Mutant(_edit("7a", _codec_the_ue_lacks)),
        "5.2.3.2-split-inference-001",
        "7a",
    ),
    MutantSpec(
        "accepts-tampered-selection",
        "allocates a configuration it never offered",
        lambda: Mutant(lax=True),
        "5.2.3.2-split-inference-004",
        "6b",
    ),
    MutantSpec(
        "loads-the-ue",
        "ignores the UE's memory and the latency budget, putting the most it can on the UE",
        _loads_the_ue,
        "5.2.3.2-split-inference-007",
        "7a",
    ),
    MutantSpec(
        "loads-the-ue-digits",
        "ignores a UE with 20 KB for the model",
        _loads_the_ue,
        "5.2.3.2-split-inference-009",
        "7a",
    ),
    MutantSpec(
        "offers-what-the-ue-cannot-run",
        "offers every configuration, whatever the UE's compute and the budget",
        _loads_the_ue,
        "5.2.3.2-split-inference-010",
        "4b",
    ),
    MutantSpec(
        "ignores-accuracy-floor",
        "serves a service whose accuracy floor no configuration reaches",
        _loads_the_ue,
        "5.2.3.2-split-inference-011",
        "2a",
    ),
    MutantSpec(
        "loads-the-ue-downlink",
        "with the media in the network, gives the UE more than its memory",
        _loads_the_ue,
        "5.2.3.2-split-inference-012",
        "7a",
    ),
    MutantSpec(
        "announces-wrong-sizes",
        "announces four times the intermediate data size of its candidates",
        lambda: Mutant(_edit("4b", _candidates(_oversized))),
        "5.2.3.2-split-inference-008",
        "4b",
    ),
    MutantSpec(
        "announces-wrong-accuracy",
        "announces its candidates 5 points more accurate than they are",
        lambda: Mutant(_edit("4b", _candidates(_flattering))),
        "5.2.3.2-split-inference-002",
        "4b",
    ),
    MutantSpec(
        "omits-accuracy",
        "offers candidates without their accuracy to a service with an accuracy floor",
        lambda: Mutant(_edit("4b", _candidates(_without_accuracy))),
        "5.2.3.2-split-inference-002",
        "4b",
    ),
    MutantSpec(
        "understates-latency",
        "announces latencies ten times below what the UE and the link can do",
        lambda: Mutant(_edit("4b", _candidates(_understated))),
        "5.2.3.2-split-inference-008",
        "4b",
    ),
    MutantSpec(
        "wrong-data-direction",
        "decides a configuration whose data flows the wrong way for the topology",
        lambda: Mutant(_edit("7a", _data_information(dataDirection="DOWNSTREAM"))),
        "5.2.3.2-split-inference-001",
        "7a",
    ),
    MutantSpec(
        "announces-wrong-split-point-size",
        "announces four times the intermediate data size of its split point",
        lambda: Mutant(_edit("7a", _point_size_times_four)),
        "5.2.3.2-split-inference-001",
        "7a",
    ),
    MutantSpec(
        "announces-wrong-topology",
        "offers candidates for the network-source topology to a UE-source service",
        lambda: Mutant(_edit("4b", _candidates(_other_topology))),
        "5.2.3.2-split-inference-002",
        "4b",
    ),
    MutantSpec(
        "oversizes-coded-data",
        "announces losslessly coded intermediate data as four times its size",
        lambda: Mutant(_edit("4b", _candidates(_coded_size_oversized))),
        "5.2.3.2-split-inference-002",
        "4b",
    ),
    MutantSpec(
        "omits-total-latency",
        "offers candidates without their total latency to a service with a budget",
        lambda: Mutant(_edit("4b", _candidates(_without_total_latency))),
        "5.2.3.2-split-inference-002",
        "4b",
    ),
    MutantSpec(
        "latency-in-microseconds",
        "announces its candidates' latencies in microseconds where the TR wants ms",
        lambda: Mutant(_edit("4b", _candidates(_latencies_in_microseconds))),
        "5.2.3.2-split-inference-002",
        "4b",
    ),
    MutantSpec(
        "profile-memory-in-bytes",
        "announces the UE profile's memory in bytes where the TR wants MB",
        lambda: Mutant(_edit("4b", _candidates(_profile(memory=1e6)))),
        "5.2.3.2-split-inference-002",
        "4b",
    ),
    MutantSpec(
        "overstates-ue-cost",
        "announces ten times the computational cost of the UE's sub-model",
        lambda: Mutant(_edit("4b", _candidates(_profile(computationalCost=10.0)))),
        "5.2.3.2-split-inference-002",
        "4b",
    ),
    MutantSpec(
        "refuses-feasible-request",
        "answers a split inference request it can serve with FAILURE",
        lambda: Mutant(_edit("6a", lambda o: _message(o, result="FAILURE", cause="busy"))),
        "5.2.3.2-split-inference-001",
        "6a",
    ),
    MutantSpec(
        "names-unknown-tensor",
        "decides a configuration naming a tensor the model does not have",
        lambda: Mutant(_edit("7a", _unknown_tensor)),
        "5.2.3.2-split-inference-001",
        "7a",
    ),
)
