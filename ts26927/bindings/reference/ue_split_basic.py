"""Reference UE side of the two basic split inference workflows (5.2.3.2, figure 5.2.3-4
and the one with the media in the network).

The UE Application triggers split inference with the resources the UE has and the service's
requirements (1); once the network has selected the split model (2) it sets up the delivery
of its sub-model (5), verifies what arrives — and that its engine can run it within its
memory — before the handover (6-7). With the media in the UE it runs its sub-model (8-9)
and sends the result framed with the codec chain of the network's intermediate data
session (10-11); with the media in the network it opens that session itself for the
tensors its sub-model takes, with a codec chain it supports (10), refuses a unit that does
not verify or was not framed so (11), and runs its sub-model on the rest (12-13).
"""

from __future__ import annotations

from typing import Any

from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference.options import ReferenceOptions
from ts26927.bindings.reference.ue_split_device import UeSplitDevice
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.errors import Ts26927Error
from ts26927.models.messages.common import (
    AiServiceTrigger,
    DeliverySessionSetup,
    ModelSelection,
    ModelSubset,
    ServiceKind,
)
from ts26927.models.messages.split import IntermediateDataSessionSetup
from ts26927.models.split_model import SplitPointInformation


class UeBasicSplit:
    """Plays the UE side of ``split-inference-ue-source`` or ``-network-source``."""

    device_class: type[UeSplitDevice] = UeSplitDevice
    """The UE's functions (a subclass makes other choices, or has a defect)."""

    def __init__(
        self, flow: str, params: dict[str, Any], options: ReferenceOptions | None = None
    ) -> None:
        self.device = self.device_class(params, options)
        self.device.handover_step = "7"
        self.network_source = flow.endswith("network-source")
        self.selection: ModelSelection | None = None

    def begin(self) -> Reply:
        device = self.device
        trigger = AiServiceTrigger(
            service=ServiceKind.SPLIT_INFERENCE,
            session_id=device.name("s-1"),
            service_requirement_information=device.requirements,
            ue_capability_information=device.reported(),
        )
        return [Output("1", trigger.to_wire())]

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        try:
            if step == "2":
                return self._selected(message)
            if step == "6":
                return self._subset(message, attachments)
            if step == "10" and not self.network_source:
                return self._send_unit(message)
            if step == "11" and self.network_source:
                return self._receive_unit(message, attachments)
        except Ts26927Error as error:
            return Refusal(str(error))
        return []  # 13 (media in the UE): the Data Destination consumes the result

    def poll(self) -> Reply:
        return []

    def _selected(self, message: Any) -> Reply:
        self.selection = ModelSelection.from_wire(message)
        setup = DeliverySessionSetup(
            delivery_session_id=self.device.name("d-1"),
            model_identifier=self.selection.model_identifier,
            subset=ModelSubset.UE_SUBSET,
        )
        return [Output("5", setup.to_wire())]

    def _point(self, names: list[str]) -> SplitPointInformation:
        """The split point as the network's selection (2) named it."""
        if self.selection is not None and self.selection.split_point_information is not None:
            return self.selection.split_point_information
        return SplitPointInformation(split_point_identifier="+".join(names))

    def _subset(self, message: Any, attachments: dict[str, bytes]) -> Reply:
        device = self.device
        delivery = device.receive_subset(message, attachments)
        if isinstance(delivery, Refusal):
            return delivery
        assert device.subset is not None
        names = device.boundary(device.subset)
        candidate = device.candidate(names)
        assert candidate is not None  # receive_subset refuses a sub-model at no split point
        handover = device.handover(delivery)
        if not self.network_source:
            # The codec chain comes with the network's intermediate data session (10).
            info = candidate.intermediate_data_information(device.direction, ["NONE"])
            device.agree(delivery.model_identifier, self._point(names), info)
            media = device.run_first()
            return [handover, Output("8", media.to_wire()), Output("9")]
        wanted = CodecChain.parse(device.options.split_ue_downlink_codec)
        if any(str(a) not in device.supported() for a in wanted.algorithms):
            wanted = CodecChain.parse("NONE")
        info = candidate.intermediate_data_information(device.direction, wanted.algorithms)
        device.agree(delivery.model_identifier, self._point(names), info)
        setup = IntermediateDataSessionSetup(
            session_id=device.name("i-1"), intermediate_data_information=info
        )
        return [handover, Output("10", setup.to_wire())]

    def _send_unit(self, message: Any) -> Reply:
        device = self.device
        agreed = device.ready()
        setup = IntermediateDataSessionSetup.from_wire(message)
        info = setup.intermediate_data_information
        if [t.to_wire() for t in info.tensors] != [t.to_wire() for t in agreed.information.tensors]:
            return Refusal("the session carries other tensors than the UE's sub-model outputs")
        if why := device.cannot_run(info):
            return Refusal(f"the session asks what this UE cannot do: {why}")
        device.agree(agreed.model_identifier, agreed.point, info)
        delivery, data = device.unit()
        return [Output("11", delivery.to_wire(), {"unit": data})]

    def _receive_unit(self, message: Any, attachments: dict[str, bytes]) -> Reply:
        device = self.device
        if device.subset is None:
            return Refusal("the UE has no sub-model to run")
        tensors = device.decode(message, attachments.get("unit"))
        if isinstance(tensors, Refusal):
            return tensors
        values = device.run_second(tensors)
        if isinstance(values, Refusal):
            return values
        result, data = device.final(values)
        return [Output("12"), Output("13", result.to_wire(), {"output": data})]
