"""UE mutants and legal UE variants of split inference (5.2.3.2, detailed and basic): the
reference UE with one defect each, and with other choices the TR allows."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import numpy as np

from ts26927.bindings.base import Refusal
from ts26927.bindings.reference import ReferenceOptions
from ts26927.bindings.reference.ue_split_basic import UeBasicSplit
from ts26927.bindings.reference.ue_split_device import UeSplitDevice
from ts26927.bindings.reference.ue_split_inference import UeSplitInference
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.intermediate_data import IntermediateDataInformation
from ts26927.models.messages.split import IntermediateDataDelivery
from ts26927.models.split_configuration import SplitConfiguration

from ..mutants import Mutant, MutantSpec
from ..variants import VariantSpec

DETAILED = "split-inference"
BASIC = ("split-inference-ue-source", "split-inference-network-source")
FLOWS = (DETAILED, *BASIC)


def _mutant(
    device: type[UeSplitDevice] = UeSplitDevice,
    player: type[UeSplitInference] = UeSplitInference,
) -> Mutant:
    """The reference with ``device`` as the UE's functions (and ``player`` as the UE
    Application of the detailed flow) in every split inference workflow."""
    detailed = type("Player", (player,), {"device_class": device})
    basic = type("BasicPlayer", (UeBasicSplit,), {"device_class": device})
    mutant = Mutant()
    mutant.players[(DETAILED, "UE")] = lambda p, o: detailed(p, o)
    for flow in BASIC:
        mutant.players[(flow, "UE")] = lambda p, o, f=flow: basic(f, p, o)
    return mutant


# -- mutants -------------------------------------------------------------------------------
class _OtherSubset(UeSplitDevice):
    """Runs its own cut of the model one split point earlier than the sub-model delivered,
    and sends that under the agreed tensor names (where the shapes agree)."""

    def run_first(self) -> Any:
        media = super().run_first()
        agreed = self.ready()
        names = [t.name for t in agreed.information.tensors]
        candidates = self.service.analysis.candidates
        here = next(i for i, c in enumerate(candidates) if [t.name for t in c.crossing] == names)
        earlier = candidates[max(here - 1, 0)]
        head = self.service.submodels(earlier.identifier).head
        values = list(Runner(head, label="another cut").run(self.media()).values())
        self.crossing = dict(zip(names, values, strict=False))
        return media


class _IgnoresCodec(UeSplitDevice):
    """Frames its intermediate data uncompressed, whatever codec chain was agreed."""

    def unit(self) -> tuple[IntermediateDataDelivery, bytes]:
        agreed = self.ready()
        chain = CodecChain.parse("NONE")
        info = agreed.information.model_copy(update={"compression_algorithms": chain.algorithms})
        data = encode_unit(info, self.crossing, chain, split_point=agreed.point).to_bytes()
        delivery = IntermediateDataDelivery(
            sequence_number=0,
            split_point_identifier=agreed.point.split_point_identifier,
            size=len(data),
            compression_algorithms=chain.algorithms,
        )
        return delivery, data


class _Overstates(UeSplitDevice):
    """Reports a hundred times the memory it has for the service."""

    def reported(self) -> EndpointCapabilityInformation:
        processing = self.capabilities.processing_capabilities
        assert processing is not None
        inflated = processing.model_copy(update={"memory": processing.memory * 100})
        return self.capabilities.model_copy(update={"processing_capabilities": inflated})


class _AcceptsAnyConfiguration(UeSplitDevice):
    """Takes any configuration, whether or not it can run it."""

    def cannot_run(
        self, information: IntermediateDataInformation, total_latency: float | None = None
    ) -> str | None:
        return None


class _SelectsPreferred(UeSplitInference):
    """Selects the network's preferred candidate without judging it (5b)."""

    def runnable(
        self, candidates: list[SplitConfiguration]
    ) -> tuple[list[SplitConfiguration], str]:
        return list(candidates), ""


class _MisDecodes(UeSplitDevice):
    """Reads the unit's tensors in the wrong byte order (big-endian)."""

    def decode(self, message: dict[str, Any] | None, data: bytes | None) -> Any:
        tensors = super().decode(message, data)
        if isinstance(tensors, Refusal):
            return tensors
        return {n: np.asarray(v).byteswap() for n, v in tensors.items()}


class _IgnoresUnitHeader(UeSplitDevice):
    """Decodes a unit as its header says, without checking that it is framed for the
    agreed split point and codec chain."""

    def decode(self, message: dict[str, Any] | None, data: bytes | None) -> Any:
        try:
            return decode_unit(data or b"").tensors
        except Ts26927Error as error:  # a unit that does not decode at all is still refused
            return Refusal(str(error))


class _SkipsChecksum(UeSplitDevice):
    """Does not verify a unit's checksum (it recomputes it over what arrived)."""

    def decode(self, message: dict[str, Any] | None, data: bytes | None) -> Any:
        if data is not None and len(data) > 4:
            data = data[:-4] + struct.pack("<I", zlib.crc32(data[:-4]))
        return super().decode(message, data)


_013 = "5.2.3.2-split-inference-013"
MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "ue-runs-other-subset",
        "UE: runs a cut of the model at another split point than its delivered sub-model",
        lambda: _mutant(_OtherSubset),
        _013,
        "18b",
    ),
    MutantSpec(
        "ue-ignores-codec",
        "UE: sends its intermediate data uncompressed although INT8 was agreed",
        lambda: _mutant(_IgnoresCodec),
        _013,
        "18b",
    ),
    MutantSpec(
        "ue-basic-ignores-codec",
        "UE: in the basic flow, ignores the codec chain of the network's session",
        lambda: _mutant(_IgnoresCodec),
        "5.2.3.2-split-inference-ue-source-003",
        "11",
    ),
    MutantSpec(
        "ue-overstates-memory",
        "UE: reports a hundred times the memory it has for the service",
        lambda: _mutant(_Overstates),
        _013,
        "1",
    ),
    MutantSpec(
        "ue-accepts-any-configuration",
        "UE: accepts a decided split whose sub-model exceeds its memory",
        lambda: _mutant(_AcceptsAnyConfiguration),
        "5.2.3.2-split-inference-017",
        "7a",
    ),
    MutantSpec(
        "ue-selects-beyond-capabilities",
        "UE: selects the network's preferred candidate though it cannot run it",
        lambda: _mutant(player=_SelectsPreferred),
        "5.2.3.2-split-inference-016",
        "6b",
    ),
    MutantSpec(
        "ue-selects-among-none",
        "UE: selects a candidate when it can run none of them",
        lambda: _mutant(player=_SelectsPreferred),
        "5.2.3.2-split-inference-018",
        "4b",
    ),
    MutantSpec(
        "ue-misdecodes-output",
        "UE: reads the network's intermediate data in the wrong byte order",
        lambda: _mutant(_MisDecodes),
        "5.2.3.2-split-inference-015",
        "20a",
    ),
    MutantSpec(
        "ue-ignores-unit-header",
        "UE: takes a unit framed with a codec chain other than the agreed one",
        lambda: _mutant(_IgnoresUnitHeader),
        "5.2.3.2-split-inference-019",
        "18a",
    ),
    MutantSpec(
        "ue-skips-unit-checksum",
        "UE: takes an intermediate data unit altered in transit",
        lambda: _mutant(_SkipsChecksum),
        "5.2.3.2-split-inference-network-source-003",
        "11",
    ),
)

VARIANTS: tuple[VariantSpec, ...] = (
    VariantSpec(
        "ue-last-runnable-candidate",
        "UE: selects the last candidate it can run rather than the network's preferred one, "
        "and names its sessions its own way",
        ReferenceOptions(split_ue_selection="last", split_ue_id_prefix="acme-ue-"),
        FLOWS,
    ),
    VariantSpec(
        "ue-compressed-downlink",
        "UE: with the media in the network, asks for the intermediate data in FLOAT16 where "
        "it supports it",
        ReferenceOptions(split_ue_downlink_codec="FLOAT16"),
        FLOWS,
    ),
)
