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
from ts26927.bindings.reference.split_basic import NetworkBasicSplit
from ts26927.bindings.reference.split_inference import NetworkSplitInference
from ts26927.bindings.reference.subsets import subset_output
from ts26927.engine.federated import mlp
from ts26927.engine.federated.parameters import from_tensors, to_tensors, update_information
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.split.service import SplitService, split_service
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import ProtocolError
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.messages.common import ModelSubset
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import (
    OptimizationPreference,
    SplitConfiguration,
    SplitDecisionMode,
    SplitTopology,
)

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


# -- what is announced against what is delivered ----------------------------------------
def _true_digest(output: Output, data: bytes) -> Output:
    """``output`` carrying ``data`` as its model, announced with its true size and digest."""
    message = {**(output.message or {}), "size": len(data), "sha256": sha256(data)}
    return Output(output.step, message, {**output.attachments, "model": data})


def _size_off_by_one(output: Output) -> Output:
    return _message(output, size=(output.message or {})["size"] + 1)


def _digest_of_other_bytes(output: Output) -> Output:
    return _message(output, sha256=sha256(b"another model"))


def _truncated_model(output: Output) -> Output:
    data = output.attachments["model"]
    return _true_digest(output, data[: len(data) // 2])


def _renamed_input(output: Output) -> Output:
    """The model with its data input renamed (and a true size and digest)."""
    model = onnx.load_from_string(output.attachments["model"])
    weights = {t.name for t in model.graph.initializer}
    value = next(i for i in model.graph.input if i.name not in weights)
    old, value.name = value.name, f"{value.name}_renamed"
    for node in model.graph.node:
        node.input[:] = [value.name if n == old else n for n in node.input]
    return _true_digest(output, model.SerializeToString())


def _restamped_model(output: Output) -> Output:
    """The same graph saved again with other metadata: other bytes (true digest)."""
    model = onnx.load_from_string(output.attachments["model"])
    model.doc_string = "re-exported by the distribution function"
    return _true_digest(output, model.SerializeToString())


def _described(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Output], Output]:
    def edit(output: Output) -> Output:
        info = dict((output.message or {})["aiModelInformation"])
        return _message(output, aiModelInformation=change(info))

    return edit


def _foreign_format(info: dict[str, Any]) -> dict[str, Any]:
    return {**info, "formatFramework": [{"name": "TENSORFLOW_LITE", "version": "2.13.0"}]}


def _size_in_kb(info: dict[str, Any]) -> dict[str, Any]:
    return {**info, "modelSize": info["modelSize"] * 1000}


def _parameter_bytes(info: dict[str, Any]) -> dict[str, Any]:
    return {**info, "numberOfParameters": info["numberOfParameters"] * 4}


def _undescribed(output: Output) -> Output:
    message = {k: v for k, v in (output.message or {}).items() if k != "aiModelInformation"}
    return Output(output.step, message, output.attachments)


def _misstated_full_model(output: Output) -> Output:
    """The manifest with the full model listed under another SHA-256."""
    manifest = dict(output.message or {})
    models = [dict(m) for m in manifest["models"]]
    models[0]["variants"] = [
        {**v, "sha256": sha256(b"another model")}
        if v.get("updateOf") is None and v.get("dataFormat", {}).get("name") == "ONNX"
        else v
        for v in models[0]["variants"]
    ]
    return Output(output.step, {**manifest, "models": models}, output.attachments)


# -- split inference: what the configuration, the session and the unit say --------------
def _data_information(**changes: Any) -> Callable[[Output], Output]:
    def edit(output: Output) -> Output:
        info = dict((output.message or {})["intermediateDataInformation"])
        return _message(output, intermediateDataInformation={**info, **changes})

    return edit


def _unknown_tensor(output: Output) -> Output:
    info = dict((output.message or {})["intermediateDataInformation"])
    tensors = [{**t, "name": "no-such-tensor"} for t in info["tensors"]]
    return _message(output, intermediateDataInformation={**info, "tensors": tensors})


def _point_size_times_four(output: Output) -> Output:
    point = dict((output.message or {})["splitPointInformation"])
    point["splitPointIntermediateDataSize"] *= 4
    return _message(output, splitPointInformation=point)


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


def _output_as_float64(output: Output) -> Output:
    values = bytes_to_array(output.attachments["output"]).astype("float64")
    return Output(output.step, output.message, {"output": array_to_bytes(values)})


def _unit(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Output], Output]:
    """The unit decoded, changed (its tensors, its information) and framed again with its
    own chain: a well-formed unit (true CRC, true size) that says something else."""

    def edit(output: Output) -> Output:
        unit = decode_unit(output.attachments["unit"])
        info = unit.header.intermediate_data_information
        parts = change({"information": info, "tensors": dict(unit.tensors)})
        chain = CodecChain.of(parts["information"])
        point = unit.header.split_point_information
        data = encode_unit(parts["information"], parts["tensors"], chain, split_point=point)
        message = {**(output.message or {}), "size": data.nbytes}
        return Output(output.step, message, {"unit": data.to_bytes()})

    return edit


def _renamed_tensors(parts: dict[str, Any]) -> dict[str, Any]:
    info = parts["information"]
    renamed = [t.model_copy(update={"name": f"{t.name}_renamed"}) for t in info.tensors]
    tensors = {f"{n}_renamed": v for n, v in parts["tensors"].items()}
    return {"information": info.model_copy(update={"tensors": renamed}), "tensors": tensors}


def _shifted_three_int8_steps(parts: dict[str, Any]) -> dict[str, Any]:
    def shift(values: Any) -> Any:
        peak = float(abs(values).max()) or 1.0
        return (values + 3 * peak / 127).astype(values.dtype)

    return {**parts, "tensors": {n: shift(v) for n, v in parts["tensors"].items()}}


def _other_split_point(output: Output) -> Output:
    identifier = (output.message or {})["splitPointIdentifier"]
    return _message(output, splitPointIdentifier=f"{identifier}-other")


def _other_split_configuration(
    service: SplitService, topology: SplitTopology, than: str | None
) -> SplitConfiguration:
    """A split configuration of the model at another split point than ``than``: the one
    that puts the most on the UE."""
    selection = service.select(
        ServiceRequirementInformation(),
        _UNLIMITED_UE,
        topology=topology,
        preference=OptimizationPreference.LATENCY,
        mode=SplitDecisionMode.UE,
    )
    heaviest = sorted(selection.candidates, key=lambda c: -(c.ue_profile.computational_cost or 0))
    return next(c for c in heaviest if c.split_point_information.split_point_identifier != than)


class _HeavyUeSubset(NetworkBasicSplit):
    """Delivers (6) the UE's sub-model of the split point that puts the most on the UE,
    whatever its memory and whatever split point it identified."""

    def _deliver(self) -> Reply:
        heaviest = _other_split_configuration(self.service, self.topology, None)
        sub = self.service.submodels(heaviest.split_point_information.split_point_identifier)
        ue_side = sub.tail if self.network_source else sub.head
        return [subset_output("6", self.model_identifier, ue_side, ModelSubset.UE_SUBSET)]


class _SessionElsewhere(NetworkBasicSplit):
    """Opens the intermediate data session (10) for another split point than the one whose
    sub-model it delivered."""

    def poll(self) -> Reply:
        reply = super().poll()
        if isinstance(reply, Refusal) or self.chosen is None:
            return reply
        chosen = self.chosen.split_point_information.split_point_identifier
        other = _other_split_configuration(self.service, self.topology, chosen)
        info = other.intermediate_data_information.to_wire()
        return [
            _message(o, intermediateDataInformation=info) if o.step == "10" else o for o in reply
        ]


def _basic(player: type[NetworkBasicSplit]) -> Callable[[], Mutant]:
    def make() -> Mutant:
        mutant = Mutant()
        flow = "split-inference-ue-source"
        mutant.players[(flow, "NETWORK")] = lambda p, o: player(
            split_service(str(p.get("model", "digits"))), flow, p, o
        )
        return mutant

    return make


# -- federated learning -------------------------------------------------------------------
def _renamed_model_id(output: Output) -> Output:
    return _message(output, modelId=f"{(output.message or {})['modelId']}-other")


def _next_round_number(output: Output) -> Output:
    return _message(output, roundNumber=(output.message or {})["roundNumber"] + 1)


def _round_number(change: Callable[[int], int]) -> Callable[[Output], Output]:
    def edit(output: Output) -> Output:
        sync = dict((output.message or {})["synchronizationInformation"])
        sync["roundNumber"] = change(sync["roundNumber"])
        return _message(output, synchronizationInformation=sync)

    return edit


def _updated_model(change: Callable[[Output], Output]) -> Callable[[Output], Output]:
    """``change`` applied to the global models that announce a new model id only."""
    return lambda output: change(output) if (output.message or {}).get("newModelId") else output


def _other_new_model_id(output: Output) -> Output:
    return _message(output, newModelId=f"{(output.message or {})['newModelId']}-other")


def _without(*keys: str) -> Callable[[Output], Output]:
    def edit(output: Output) -> Output:
        message = {k: v for k, v in (output.message or {}).items() if k not in keys}
        return Output(output.step, message, output.attachments)

    return edit


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
    # One defect for each way a semantic check fails, where a case can reach it.
    MutantSpec(
        "announces-wrong-size",
        "delivers the model under a size one byte off",
        lambda: Mutant(_edit("5", _size_off_by_one)),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "announces-wrong-digest",
        "delivers the true model bytes under the SHA-256 of other bytes",
        lambda: Mutant(_edit("5", _digest_of_other_bytes)),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "corrupt-model-true-digest",
        "delivers a truncated model under its own (true) size and SHA-256",
        lambda: Mutant(_edit("5", _truncated_model)),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "delivers-other-input",
        "delivers a model whose input is not the model's (true size and SHA-256)",
        lambda: Mutant(_edit("5", _renamed_input)),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "selects-foreign-format",
        "selects a model in a format the UE does not support",
        lambda: Mutant(_edit("2", _described(_foreign_format))),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "omits-model-information",
        "selects a model without describing it",
        lambda: Mutant(_edit("2", _undescribed)),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "model-size-in-kb",
        "announces the model size in KB where the TR wants MB",
        lambda: Mutant(_edit("2", _described(_size_in_kb))),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "counts-parameter-bytes",
        "announces the bytes of the parameters as their number",
        lambda: Mutant(_edit("2", _described(_parameter_bytes))),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "omits-model-accuracy",
        "describes the model without its accuracy to a service with an accuracy floor",
        lambda: Mutant(_edit("2", _described(_without_accuracy))),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "delivers-restamped-model",
        "distributes the ingested model saved again with other metadata",
        lambda: Mutant(_edit("8", _restamped_model)),
        "5.3.6-model-distribution-001",
        "8",
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
        "subset-takes-other-input",
        "delivers a UE sub-model whose input is not the model's",
        lambda: Mutant(_edit("13", _renamed_input)),
        "5.2.3.2-split-inference-001",
        "13",
    ),
    MutantSpec(
        "second-subset-renames-output",
        "delivers a second-part UE sub-model that does not output the model's output",
        lambda: Mutant(_edit("13", _renamed_outputs)),
        "5.2.3.2-split-inference-003",
        "13",
    ),
    MutantSpec(
        "session-changes-codec",
        "opens the intermediate data session with another codec than agreed",
        lambda: Mutant(_edit("17b", _data_information(compressionAlgorithms=["ZSTD"]))),
        "5.2.3.2-split-inference-001",
        "17b",
    ),
    MutantSpec(
        "output-as-float64",
        "returns the inference output as float64 where the model computes float32",
        lambda: Mutant(_edit("20b", _output_as_float64)),
        "5.2.3.2-split-inference-001",
        "20b",
    ),
    MutantSpec(
        "unit-wrong-size",
        "announces an intermediate data unit one byte off its size",
        lambda: Mutant(_edit("18a", _size_off_by_one)),
        "5.2.3.2-split-inference-003",
        "18a",
    ),
    MutantSpec(
        "unit-wrong-split-point",
        "announces its intermediate data unit for another split point",
        lambda: Mutant(_edit("18a", _other_split_point)),
        "5.2.3.2-split-inference-003",
        "18a",
    ),
    MutantSpec(
        "unit-renames-tensors",
        "frames its intermediate data under other tensor names than agreed",
        lambda: Mutant(_edit("18a", _unit(_renamed_tensors))),
        "5.2.3.2-split-inference-003",
        "18a",
    ),
    MutantSpec(
        "skews-quantized-data",
        "sends INT8 intermediate data three quantization steps off the true values",
        lambda: Mutant(_edit("18a", _unit(_shifted_three_int8_steps))),
        "5.2.3.2-split-inference-012",
        "18a",
    ),
    MutantSpec(
        "identifies-another-split-point",
        "identifies (3) another split point than its selection (2) named",
        lambda: Mutant(_edit("3", _other_split_point)),
        "5.2.3.2-split-inference-network-source-001",
        "3",
    ),
    MutantSpec(
        "heavy-ue-subset",
        "delivers the UE the sub-model that puts the most on it, beyond its memory",
        _basic(_HeavyUeSubset),
        "5.2.3.2-split-inference-ue-source-001",
        "6",
    ),
    MutantSpec(
        "session-at-another-split-point",
        "opens the session for another split point than the sub-model it delivered",
        _basic(_SessionElsewhere),
        "5.2.3.2-split-inference-ue-source-001",
        "10",
    ),
    MutantSpec(
        "first-model-not-selected",
        "sends a first global model other than the one it selected",
        lambda: Mutant(_edit("5", _renamed_model_id)),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "evaluates-another-model",
        "requests the evaluation of another model than the one in force",
        lambda: Mutant(_edit("7", _renamed_model_id)),
        "5.2.4.2-federated-learning-001",
        "7",
    ),
    MutantSpec(
        "trains-another-group",
        "requests training of another group than the one the UE joined",
        lambda: Mutant(_edit("12", lambda o: _message(o, groupId="another-group"))),
        "5.2.4.2-federated-learning-001",
        "12",
    ),
    MutantSpec(
        "outcome-of-another-round",
        "reports the outcome of the round after the one requested",
        lambda: Mutant(_edit("17", _next_round_number)),
        "5.2.4.2-federated-learning-001",
        "17",
    ),
    MutantSpec(
        "keeps-a-removed-ue",
        "tells a UE removed by its failure report that training continues",
        lambda: Mutant(_edit("17", lambda o: _message(o, continueTraining=True))),
        "5.2.4.2-federated-learning-004",
        "17",
    ),
    MutantSpec(
        "ignores-eligibility-update",
        "updates the criteria after an evaluation without the change asked for",
        lambda: Mutant(_edit("11", _without("minimumDataSamples"))),
        "5.2.4.2-federated-learning-006",
        "11",
    ),
    MutantSpec(
        "triggers-another-service",
        "triggers federated learning as another service",
        lambda: Mutant(_edit("1", lambda o: _message(o, service="MODEL_DELIVERY"))),
        "5.2.4.2-federated-learning-007",
        "1",
    ),
    MutantSpec(
        "adaptive-wrong-size",
        "delivers an adaptive package under a size one byte off",
        lambda: Mutant(_edit("6", _size_off_by_one)),
        "5.2.2.2.2-adaptive-model-delivery-001",
        "6",
    ),
    MutantSpec(
        "manifest-misstates-full-model",
        "lists the full model in its manifest under a SHA-256 the packages do not rebuild",
        lambda: Mutant(_edit("1", _misstated_full_model)),
        "5.2.2.2.2-adaptive-model-delivery-001",
        "6",
    ),
    MutantSpec(
        "identifies-another-model",
        "identifies (3) another model than it selected (2)",
        lambda: Mutant(_edit("3", lambda o: _message(o, modelIdentifier="another-model"))),
        "5.2.2.2.1-model-delivery-001",
        "3",
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
    MutantSpec(
        "renames-model-in-force",
        "sends a new global model as an update of another model than the one in force",
        lambda: Mutant(_edit("5", _updated_model(_renamed_model_id))),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "updates-without-new-id",
        "sends the new global model without a new model id",
        lambda: Mutant(_edit("5", _without("newModelId"))),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "new-id-not-announced",
        "sends the new global model under another id than the round outcome announced",
        lambda: Mutant(_edit("5", _updated_model(_other_new_model_id))),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "trains-another-model",
        "requests training of another model than the one in force",
        lambda: Mutant(_edit("12", _renamed_model_id)),
        "5.2.4.2-federated-learning-001",
        "12",
    ),
    MutantSpec(
        "repeats-round-one",
        "numbers every training round 1",
        lambda: Mutant(_edit("12", _round_number(lambda _: 1))),
        "5.2.4.2-federated-learning-001",
        "12",
    ),
    MutantSpec(
        "skips-the-triggered-round",
        "starts training at another round than its trigger's synchronization information",
        lambda: Mutant(_edit("12", _round_number(lambda n: n + 1))),
        "5.2.4.2-federated-learning-007",
        "12",
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
