"""Deliberately broken implementations: the reference engine with one defect each.

The self-test runs the suite against each and requires the case written for that defect
to catch it, at its step — proof that the checks can fail, not only pass. (Their
counterparts, the legal variants that every case must pass, are in :mod:`.variants`.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import onnx
from pydantic import ValidationError

from ts26927.bindings.attachments import array_to_bytes, bytes_to_array
from ts26927.bindings.base import ImplementationInfo, Output, Refusal, Reply
from ts26927.bindings.reference import ReferenceImplementation, ReferenceOptions
from ts26927.bindings.reference.split_inference import NetworkSplitInference
from ts26927.engine.federated import mlp
from ts26927.engine.federated.parameters import from_tensors, to_tensors, update_information
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.split.service import split_service
from ts26927.errors import ProtocolError
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import SplitConfiguration, SplitDecisionMode

Transform = Callable[[str, list[Output]], list[Output]]


class Mutant(ReferenceImplementation):
    """The reference with its replies (or its checks) altered."""

    def __init__(
        self,
        transform: Transform | None = None,
        *,
        lax: bool = False,
        hang: bool = False,
        crash: bool = False,
        options: ReferenceOptions | None = None,
        declares: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(options)
        self.declares = declares
        self.transform = transform
        self.lax = lax
        self.hang = hang
        self.crash = crash

    def describe(self) -> ImplementationInfo:
        info = super().describe()
        if self.declares is None:
            return info
        return ImplementationInfo(
            info.name, info.version, info.language, info.capabilities, info.homepage, self.declares
        )

    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        if self.crash:
            raise RuntimeError("simulated crash of the implementation")
        if self.lax:  # no checks at all: whatever arrives is taken
            _, player = self._ready()
            try:
                reply = player.on(step, message, attachments)
            except (ValidationError, ValueError, TypeError):
                return []
            return [] if isinstance(reply, Refusal) else reply
        reply = super().deliver(step, message, attachments)
        if isinstance(reply, Refusal) or self.transform is None:
            return reply
        return self.transform(step, reply)

    def begin(self) -> Reply:
        reply = super().begin()
        if isinstance(reply, Refusal) or self.transform is None:
            return reply
        return self.transform("begin", reply)

    def poll(self) -> Reply:
        if self.hang:
            time.sleep(3600)
        reply = super().poll()
        if isinstance(reply, Refusal) or self.transform is None:
            return reply
        return self.transform("poll", reply)

    def _performed(self, reply: Reply) -> Reply:
        # A mutant does not police itself, but still follows its own steps.
        if not isinstance(reply, Refusal):
            view, _ = self._ready()
            for output in reply:
                with suppress(ProtocolError):
                    view.accept(output.step, output.message)
        return reply


def _edit(step: str, change: Callable[[Output], Output]) -> Transform:
    def transform(_: str, outputs: list[Output]) -> list[Output]:
        return [change(o) if o.step == step else o for o in outputs]

    return transform


def _message(output: Output, **changes: Any) -> Output:
    return Output(output.step, {**(output.message or {}), **changes}, output.attachments)


def _skip(step: str) -> Transform:
    return lambda _, outputs: [o for o in outputs if o.step != step]


def _swap_first_two(_: str, outputs: list[Output]) -> list[Output]:
    return outputs[1::-1] + outputs[2:] if len(outputs) >= 2 else outputs


def _fraction_accuracy(output: Output) -> Output:
    info = dict(output.message["aiModelInformation"])  # type: ignore[index]
    info["accuracy"] = info["accuracy"] / 100  # a fraction where the TR wants %
    return _message(output, aiModelInformation=info)


def _wrong_shape(output: Output) -> Output:
    info = dict(output.message["intermediateDataInformation"])  # type: ignore[index]
    tensors = [dict(t) for t in info["tensors"]]
    tensors[0]["tensorShape"] = [*tensors[0]["tensorShape"][:-1], tensors[0]["tensorShape"][-1] * 2]
    return _message(output, intermediateDataInformation={**info, "tensors": tensors})


def _codec_the_ue_lacks(output: Output) -> Output:
    info = dict(output.message["intermediateDataInformation"])  # type: ignore[index]
    return _message(output, intermediateDataInformation={**info, "compressionAlgorithms": ["INT8"]})


def _shifted_output(output: Output) -> Output:
    values = bytes_to_array(output.attachments["output"]) + 0.5  # plausible, but wrong
    return Output(output.step, output.message, {"output": array_to_bytes(values)})


def _skewed_aggregate(output: Output) -> Output:
    if not (output.message or {}).get("newModelId"):
        return output
    update = ModelUpdateInformation.from_wire(output.message)
    params = {n: a * 1.01 for n, a in from_tensors(update.parameters).items()}
    skewed = update_information(params, update.model_id, new_model_id=update.new_model_id)
    return Output(output.step, skewed.to_wire(), output.attachments)


def _model_to_everyone(_: str, outputs: list[Output]) -> list[Output]:
    if not outputs or outputs[-1].step != "4":
        return outputs
    model = update_information(mlp.initial_parameters(0), "digits-mlp")
    return [*outputs, Output("5", model.to_wire())]


def _forged_last_level(output: Output) -> Output:
    """Damages the last refinement package but announces its true digest."""
    message = output.message or {}
    if not str(message.get("variantIdentifier", "")).endswith("-fp32"):
        return output
    data = bytearray(output.attachments["model"])
    data[len(data) // 2] ^= 0x01
    forged = {**message, "size": len(data), "sha256": sha256(bytes(data))}
    return Output(output.step, forged, {"model": bytes(data)})


class _IgnoresUpdates(Mutant):
    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        if step == "15":
            view, _ = self._ready()
            view.accept(step, message)
            return []  # says yes, changes nothing
        if step == "14" and message and "splitPointUpdate" in message:
            message = {k: v for k, v in message.items() if k != "splitPointUpdate"}
        return super().deliver(step, message, attachments)


class _RefusesPipelineUpdates(Mutant):
    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        if step == "20" and message and set(message) == {"pipelines"}:
            return Refusal("a session update changes the model or the split point")
        return super().deliver(step, message, attachments)


def _trigger_without_synchronization(output: Output) -> Output:
    return Output(
        output.step,
        {k: v for k, v in (output.message or {}).items() if k != "synchronizationInformation"},
    )


def _ignore_updates() -> Mutant:
    return _IgnoresUpdates()


# -- split inference: limits, announced figures, names ----------------------------------
_UNLIMITED_UE = EndpointCapabilityInformation.model_validate(
    {
        "endpointType": "UE",
        "processingCapabilities": {
            "processingUnits": [{"kind": "NPU", "computeFlops": 1e18}],
            "memory": 1e9,
        },
        "supportedCompressionAlgorithms": ["NONE", "ZSTD", "LZ4", "SNAPPY", "FLOAT16", "INT8"],
        "connectionCapabilities": "1000 Gbps",
    }
)


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


def _candidates(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Output], Output]:
    def edit(output: Output) -> Output:
        candidates = [change(dict(c)) for c in (output.message or {})["candidates"]]
        return _message(output, candidates=candidates)

    return edit


def _oversized(candidate: dict[str, Any]) -> dict[str, Any]:
    return {**candidate, "intermediateDataSize": candidate["intermediateDataSize"] * 4}


def _flattering(candidate: dict[str, Any]) -> dict[str, Any]:
    return {**candidate, "accuracy": min(100.0, (candidate.get("accuracy") or 90.0) + 5)}


def _without_accuracy(candidate: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in candidate.items() if k != "accuracy"}


def _understated(candidate: dict[str, Any]) -> dict[str, Any]:
    parts = ("ueInferenceLatency", "transferLatency", "networkInferenceLatency", "totalLatency")
    return {k: (v / 10 if k in parts else v) for k, v in candidate.items()}


def _codec_outside_ue(output: Output) -> Output:
    info = dict((output.message or {})["intermediateDataInformation"])
    return _message(output, intermediateDataInformation={**info, "compressionAlgorithms": ["ZSTD"]})


def _renamed_outputs(output: Output) -> Output:
    """Delivers the UE's sub-model with its outputs renamed (and a true size and digest)."""
    model = onnx.load_from_string(output.attachments["model"])
    renames = {o.name: f"{o.name}_renamed" for o in model.graph.output}
    for node in model.graph.node:
        node.output[:] = [renames.get(n, n) for n in node.output]
    for value in model.graph.output:
        value.name = renames[value.name]
    data = model.SerializeToString()
    message = {**(output.message or {}), "size": len(data), "sha256": sha256(data)}
    return Output(output.step, message, {"model": data})


def _renamed_parameters(output: Output) -> Output:
    update = ModelUpdateInformation.from_wire(output.message)
    params = {f"layer.{n}": a for n, a in from_tensors(update.parameters).items()}
    renamed = update.model_copy(update={"parameters": to_tensors(params)})
    return Output(output.step, renamed.to_wire(), output.attachments)


def _corrupt(name: str) -> Callable[[Output], Output]:
    def change(output: Output) -> Output:
        data = bytearray(output.attachments[name])
        for index in range(max(0, len(data) - 64), len(data)):  # past any alignment padding
            data[index] ^= 0x55
        return Output(output.step, output.message, {**output.attachments, name: bytes(data)})

    return change


@dataclass(frozen=True)
class MutantSpec:
    name: str
    defect: str
    make: Callable[[], Mutant]
    case: str
    """The case written to catch it."""
    step: str
    """The TR step at which that case must catch it."""
    caught_by: tuple[str, ...] = ("fail",)


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "skips-step",
        "never identifies the model in the repository (step 3)",
        lambda: Mutant(_skip("3")),
        "5.2.2.2.1-model-delivery-001",
        "3",
    ),
    MutantSpec(
        "out-of-order",
        "answers step 3 before step 2",
        lambda: Mutant(_swap_first_two),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "wrong-unit",
        "states accuracy as a fraction, not in %",
        lambda: Mutant(_edit("2", _fraction_accuracy)),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "corrupt-model",
        "delivers model bytes that do not match the SHA-256",
        lambda: Mutant(_edit("5", _corrupt("model"))),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "accepts-out-of-order",
        "accepts a delivery session before the trigger",
        lambda: Mutant(lax=True),
        "5.2.2.2.1-model-delivery-002",
        "4",
    ),
    MutantSpec(
        "accepts-malformed",
        "accepts a trigger without a session id",
        lambda: Mutant(lax=True),
        "5.2.2.2.1-model-delivery-003",
        "1",
    ),
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
        "wrong-output",
        "returns an inference output that is not the model's",
        lambda: Mutant(_edit("20b", _shifted_output)),
        "5.2.3.2-split-inference-001",
        "20b",
    ),
    MutantSpec(
        "corrupts-intermediate-data",
        "sends a damaged intermediate data unit",
        lambda: Mutant(_edit("18a", _corrupt("unit"))),
        "5.2.3.2-split-inference-003",
        "18a",
    ),
    MutantSpec(
        "accepts-tampered-selection",
        "allocates a configuration it never offered",
        lambda: Mutant(lax=True),
        "5.2.3.2-split-inference-004",
        "6b",
    ),
    MutantSpec(
        "mis-aggregates",
        "sends a new global model that is not the FedAvg of the accepted updates",
        lambda: Mutant(_edit("5", _skewed_aggregate)),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "accepts-nan",
        "aggregates an update holding NaN",
        lambda: Mutant(lax=True),
        "5.2.4.2-federated-learning-002",
        "15",
    ),
    MutantSpec(
        "enrols-ineligible",
        "sends the model to a device that does not meet the criteria",
        lambda: Mutant(_model_to_everyone),
        "5.2.4.2-federated-learning-005",
        "5",
    ),
    MutantSpec(
        "forged-refinement",
        "delivers a damaged last precision level under a digest of its own",
        lambda: Mutant(_edit("6", _forged_last_level)),
        "5.2.2.2.2-adaptive-model-delivery-001",
        "6",
    ),
    MutantSpec(
        "ingests-anything",
        "stores (and would serve) an ingested file that is not a model",
        lambda: Mutant(lax=True),
        "5.3.6-model-distribution-003",
        "3",
    ),
    MutantSpec(
        "stale-split-point",
        "accepts a split point update but keeps computing at the old split point",
        _ignore_updates,
        "5.3.5-split-operation-001",
        "14",
    ),
    MutantSpec(
        "ue-trusts-any-model",
        "a UE that hands unverified model bytes to its inference engine",
        lambda: Mutant(lax=True),
        "5.2.2.2.1-model-delivery-005",
        "5",
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
        "wrong-codec-basic",
        "opens the basic flow's intermediate data session with a codec the UE lacks",
        lambda: Mutant(_edit("10", _codec_outside_ue)),
        "5.2.3.2-split-inference-ue-source-001",
        "10",
    ),
    MutantSpec(
        "renames-subset-tensors",
        "delivers a UE sub-model whose outputs are not the agreed intermediate tensors",
        lambda: Mutant(_edit("13", _renamed_outputs)),
        "5.2.3.2-split-inference-001",
        "13",
    ),
    MutantSpec(
        "renames-fl-parameters",
        "sends a global model whose parameters are not the model's",
        lambda: Mutant(_edit("5", _renamed_parameters)),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "misdeclares-aggregation",
        "declares FedAvg but moves the global model only half way (a server step of 0.5)",
        lambda: Mutant(
            options=ReferenceOptions(fl_aggregation="FEDAVG_SERVER_STEP", fl_server_step=0.5),
            declares={"federatedAggregation": "FEDAVG"},
        ),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "ignores-in-band-update",
        "ignores a split point update passed alongside the delivery pipeline",
        _ignore_updates,
        "5.3.5-split-operation-003",
        "14",
    ),
    MutantSpec(
        "refuses-pipeline-update",
        "refuses a session update that changes only the pipelines",
        _RefusesPipelineUpdates,
        "5.3.5-split-operation-003",
        "20",
    ),
    MutantSpec(
        "trigger-without-synchronization",
        "triggers federated learning without the first round's synchronization information",
        lambda: Mutant(_edit("1", _trigger_without_synchronization)),
        "5.2.4.2-federated-learning-007",
        "1",
    ),
    MutantSpec(
        "hangs",
        "never answers a poll",
        lambda: Mutant(hang=True),
        "5.2.3.2-split-inference-001",
        "17b",
        ("timeout",),
    ),
    MutantSpec(
        "crashes",
        "raises on every step",
        lambda: Mutant(crash=True),
        "5.2.2.2.1-model-delivery-001",
        "1",
        ("error",),
    ),
)
