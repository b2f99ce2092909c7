"""Reference network side of the two basic 13-step split inference workflows (5.2.3.2,
figures 5.2.3-3 and 5.2.3-4): no negotiation messages — the network selects the split
model from the trigger's UE capabilities and service requirements (1-3), takes its own
subset (4) and delivers the UE's (5-6); then intermediate data flows downlink (media in the
network, 8-11) or uplink (media in the UE, 10-13)."""

from __future__ import annotations

from typing import Any

import onnx

from ts26927.bindings.attachments import array_to_bytes, require
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference.options import ReferenceOptions
from ts26927.bindings.reference.split_inference import _announced
from ts26927.bindings.reference.subsets import subset_output
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import describe_arrays
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.service import SplitService
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.intermediate_data import IntermediateDataInformation
from ts26927.models.messages.common import (
    AiServiceTrigger,
    InferenceOutput,
    MediaData,
    ModelIdentification,
    ModelSelection,
    ModelSubset,
)
from ts26927.models.messages.split import (
    IntermediateDataDelivery,
    IntermediateDataSessionSetup,
)
from ts26927.models.split_configuration import (
    OptimizationPreference,
    SplitConfiguration,
    SplitDecisionMode,
    SplitTopology,
)


class NetworkBasicSplit:
    """Plays the network side of ``split-inference-network-source`` or ``-ue-source``."""

    def __init__(
        self,
        service: SplitService,
        flow: str,
        params: dict[str, Any],
        options: ReferenceOptions | None = None,
    ) -> None:
        self.service = service
        self.options = options or ReferenceOptions()
        self.model_identifier = self.options.model_identifier or service.identifier
        self.network_source = flow.endswith("network-source")
        self.topology = (
            SplitTopology.NETWORK_SOURCE
            if self.network_source
            else SplitTopology.UE_SOURCE_UE_FIRST
        )
        self.sample = int(params.get("sample", 0))
        self.chosen: SplitConfiguration | None = None
        self.information: IntermediateDataInformation | None = None
        self.started = False

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        if step == "1":
            return self._select(AiServiceTrigger.from_wire(message))
        if step == "5":
            return self._deliver()
        if step == "10" and self.network_source:
            setup = IntermediateDataSessionSetup.from_wire(message)
            return self._send_unit(setup.intermediate_data_information)
        if step == "11" and not self.network_source:
            return self._infer(attachments)
        return []

    def poll(self) -> Reply:
        if self.chosen is None or self.started:
            return []
        self.started = True
        if self.network_source:
            media = MediaData(
                sequence_number=0, inputs=[t.intermediate() for t in self.service.analysis.inputs]
            )
            return [Output("8", media.to_wire()), Output("9")]
        self.information = self.chosen.intermediate_data_information
        setup = IntermediateDataSessionSetup(
            session_id="i-1", intermediate_data_information=self.information
        )
        return [Output("10", setup.to_wire())]

    def _select(self, trigger: AiServiceTrigger) -> Reply:
        service, ue = trigger.service_requirement_information, trigger.ue_capability_information
        selection = self.service.select(
            service,
            ue,
            topology=self.topology,
            preference=OptimizationPreference.LATENCY,
            mode=SplitDecisionMode.UE,
        )
        matched = [_announced(c, self.options, self.model_identifier) for c in selection.candidates]
        if not matched:
            return Refusal("no split configuration meets the requirements and the UE")
        self.chosen = (
            matched[1] if self.options.split_choice == "next" and matched[1:] else matched[0]
        )
        point = self.chosen.split_point_information.split_point_identifier
        return [
            Output(
                "2",
                ModelSelection(
                    model_identifier=self.model_identifier,
                    ai_model_information=self.service.information().model_copy(
                        update={"model_identifier": self.model_identifier}
                    ),
                    split_point_information=self.chosen.split_point_information,
                ).to_wire(),
            ),
            Output(
                "3",
                ModelIdentification(
                    model_identifier=self.model_identifier,
                    split_point_identifier=point,
                    subsets=[ModelSubset.UE_SUBSET, ModelSubset.NETWORK_SUBSET],
                ).to_wire(),
            ),
            subset_output("4", self.model_identifier, self._sides()[1], ModelSubset.NETWORK_SUBSET),
        ]

    def _sides(self) -> tuple[onnx.ModelProto, onnx.ModelProto]:
        """(UE subset, network subset)."""
        assert self.chosen is not None
        sub = self.service.submodels(self.chosen.split_point_information.split_point_identifier)
        return (sub.tail, sub.head) if self.network_source else (sub.head, sub.tail)

    def _deliver(self) -> Reply:
        if self.chosen is None:
            return Refusal("no split model has been selected")
        return [subset_output("6", self.model_identifier, self._sides()[0], ModelSubset.UE_SUBSET)]

    def _send_unit(self, information: IntermediateDataInformation) -> Reply:
        assert self.chosen is not None
        sub = self.service.submodels(self.chosen.split_point_information.split_point_identifier)
        crossing = Runner(sub.head, label="network subset").run(
            {t.name: self.service.sample(self.sample) for t in self.service.analysis.inputs}
        )
        chain = CodecChain.of(information)
        try:
            unit = encode_unit(
                information, crossing, chain, split_point=self.chosen.split_point_information
            ).to_bytes()
        except Ts26927Error as error:
            return Refusal(f"the session's intermediate data cannot be produced: {error}")
        delivery = IntermediateDataDelivery(
            sequence_number=0,
            size=len(unit),
            compression_algorithms=chain.algorithms,
            split_point_identifier=self.chosen.split_point_information.split_point_identifier,
        )
        return [Output("11", delivery.to_wire(), {"unit": unit})]

    def _infer(self, attachments: dict[str, bytes]) -> Reply:
        _, network = self._sides()
        try:
            unit = decode_unit(require(attachments, "unit", "step 11"))
            runner = Runner(network, label="network subset")
            outputs = runner.run({n: unit.tensors[n] for n in runner.inputs})
        except Ts26927Error as error:
            return Refusal(f"intermediate data unit refused: {error}")
        name, values = next(iter(outputs.items()))
        result = InferenceOutput(sequence_number=0, outputs=describe_arrays({name: values}))
        return [Output("12"), Output("13", result.to_wire(), {"output": array_to_bytes(values)})]
