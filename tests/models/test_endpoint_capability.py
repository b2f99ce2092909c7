from __future__ import annotations

import pytest
from pydantic import ValidationError

from ts26927.models import EndpointCapabilityInformation, FrameworkName, ProcessorKind
from ts26927.models.examples import EXAMPLES


def test_example_is_structured() -> None:
    info = EndpointCapabilityInformation.from_wire(EXAMPLES["EndpointCapabilityInformation"][0])
    caps = info.processing_capabilities
    assert caps is not None and caps.processing_units[0].kind is ProcessorKind.NPU
    assert caps.total_compute_flops == 1e13 and caps.memory == 10000
    assert info.connection_capabilities is not None
    assert info.connection_capabilities.bps == 256_000
    assert info.supported_ai_frameworks is not None
    assert info.supported_ai_frameworks[0].name is FrameworkName.TENSORFLOW


@pytest.mark.parametrize(
    "patch",
    [
        {"connectionCapabilities": "256 kb/s"},
        {"processingCapabilities": {"processingUnits": [], "memory": 1}},
        {
            "processingCapabilities": {
                "processingUnits": [{"kind": "NPU", "computeFlops": -1}],
                "memory": 1,
            }
        },
        {"supportedAiFrameworks": [{"name": "TENSORFLOW", "version": "v2.0"}]},
        {"endpointType": "PHONE"},
    ],
)
def test_bad_capabilities_are_refused(patch: dict) -> None:
    with pytest.raises(ValidationError):
        EndpointCapabilityInformation.from_wire(
            {**EXAMPLES["EndpointCapabilityInformation"][0], **patch}
        )
