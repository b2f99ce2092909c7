from __future__ import annotations

from typing import Any

import pytest

from tests.engine.delivery.manifests import entry, manifest
from ts26927.engine.delivery.repository import ModelRepository
from ts26927.engine.delivery.selection import (
    DeliveryConstraint,
    Preference,
    SelectionRequest,
    select,
)
from ts26927.errors import DeliverySelectionError
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.service_requirement import ServiceRequirementInformation


def ue(**changes: Any) -> EndpointCapabilityInformation:
    data: dict[str, Any] = {
        "endpointType": "UE",
        "processingCapabilities": {
            "processingUnits": [{"kind": "NPU", "computeFlops": 1e11}],
            "memory": 100,
        },
        "supportedAiFrameworks": [{"name": "ONNX", "version": "1.15.0"}],
        "connectionCapabilities": "8 Mbps",
    }
    return EndpointCapabilityInformation.from_wire({**data, **changes})


def service(**values: float) -> ServiceRequirementInformation:
    return ServiceRequirementInformation.from_wire(values)


def _failed(selection, variant: str) -> dict[DeliveryConstraint, str]:
    for rejection in selection.rejected:
        if rejection.option.variant_identifier == variant:
            return {f.constraint: f.detail for f in rejection.failures}
    raise AssertionError(f"{variant} not rejected")


def test_every_failed_constraint_is_explained() -> None:
    heavy = entry("heavy", memory=500, flops=5e10, accuracy=70, onnx="1.16.0", adaptive=False)
    request = SelectionRequest(
        ue=ue(),
        service=service(maximumServiceInferenceLatency=100, minimumServiceInferenceAccuracy=75),
    )
    selection = select(manifest(heavy, entry("fits")), request)
    failed = _failed(selection, "heavy-full")
    assert set(failed) == set(DeliveryConstraint)
    assert "ONNX 1.16.0" in failed[DeliveryConstraint.FRAMEWORK]
    assert "500.000 MB > available 100 MB" in failed[DeliveryConstraint.MEMORY]
    assert "70.00 % < minimum 75 %" in failed[DeliveryConstraint.ACCURACY]
    assert "inference 500.000 ms > maximum 100 ms" in failed[DeliveryConstraint.LATENCY]
    assert selection.selected is not None and selection.selected.model_identifier == "fits"
    assert selection.to_dict()["rejected"][0]["failed"][0]["constraint"] == "FRAMEWORK"


def test_a_download_counts_when_the_service_starts_with_one() -> None:
    # 10 MB at 8 Mbit/s: 10 s for the model file, 2 s for its 8-bit base.
    request = SelectionRequest(
        ue=ue(), service=service(maximumServiceInferenceLatency=3000), starts_with_download=True
    )
    selection = select(manifest(entry("m")), request)
    assert _failed(selection, "m-full")[DeliveryConstraint.LATENCY].startswith(
        "estimated download and inference 10010.000 ms"
    )
    assert selection.selected is not None
    assert selection.selected.variant_identifier == "m-int8"
    assert selection.selected.download_ms == pytest.approx(2000.0)
    assert [v.variant_identifier for v in selection.selected.path.later] == ["m-int16", "m-fp32"]
    assert selection.selected.final_accuracy == 80.0
    without = select(manifest(entry("m")), SelectionRequest(ue=ue(), service=request.service))
    assert without.selected is not None and without.selected.variant_identifier == "m-int16"


def test_preferences_rank_accuracy_or_first_result() -> None:
    both = manifest(entry("big", accuracy=90, size=50), entry("small", accuracy=80, size=5))
    accuracy = select(both, SelectionRequest(ue=ue(), service=service(), adaptive=False))
    startup = select(
        both,
        SelectionRequest(
            ue=ue(),
            service=service(),
            adaptive=False,
            starts_with_download=True,
            preference=Preference.STARTUP,
        ),
    )
    assert [o.model_identifier for o in accuracy.candidates] == ["big", "small"]
    assert [o.model_identifier for o in startup.candidates] == ["small", "big"]


def test_filters_for_model_files_adaptive_options_and_single_packages() -> None:
    chain = manifest(entry("m"))
    files = select(chain, SelectionRequest(ue=ue(), service=service(), adaptive=False))
    assert [o.variant_identifier for o in files.candidates] == ["m-full"]
    roots = select(
        chain, SelectionRequest(ue=ue(), service=service(), adaptive=True, roots_only=True)
    )
    assert [o.variant_identifier for o in roots.candidates] == ["m-int8"]
    assert all(o.adaptive for o in roots.candidates)


def test_unknown_figures_are_rejections_not_guesses() -> None:
    bare = ue(
        processingCapabilities={
            "processingUnits": [{"kind": "CPU", "computeFlops": 0}],
            "memory": 10,
        }
    )
    unknown = entry("m", adaptive=False)
    del unknown["aiModelInformation"]["processingCapabilities"]["memory"]
    unknown["variants"][0].pop("accuracy")
    request = SelectionRequest(
        ue=bare,
        service=service(maximumServiceInferenceLatency=10, minimumServiceInferenceAccuracy=50),
    )
    failed = _failed(select(manifest(unknown), request), "m-full")
    assert failed[DeliveryConstraint.MEMORY] == "the model's memory need is unknown"
    assert failed[DeliveryConstraint.ACCURACY].startswith("accuracy is not known")
    assert "UE compute not declared" in failed[DeliveryConstraint.LATENCY]
    no_link = ue(connectionCapabilities="0 bps")
    downloads = SelectionRequest(
        ue=no_link, service=service(maximumServiceInferenceLatency=10**6), starts_with_download=True
    )
    failed = _failed(select(manifest(entry("m", adaptive=False)), downloads), "m-full")
    assert "available bandwidth not declared" in failed[DeliveryConstraint.LATENCY]


def test_frameworks_match_by_name_and_version() -> None:
    runtime = ue(supportedAiFrameworks=[{"name": "ONNX_RUNTIME", "version": "1.18"}])
    old = ue(supportedAiFrameworks=[{"name": "ONNX", "version": "1.3"}])
    other = ue(supportedAiFrameworks=[{"name": "TENSORFLOW", "version": "2.13.0"}])
    chain = manifest(entry("m", adaptive=False))
    assert select(chain, SelectionRequest(ue=runtime, service=service())).selected is not None
    for endpoint in (old, other):
        selection = select(chain, SelectionRequest(ue=endpoint, service=service()))
        assert DeliveryConstraint.FRAMEWORK in _failed(selection, "m-full")


def test_a_given_bandwidth_overrides_the_declared_one_and_must_be_positive() -> None:
    request = SelectionRequest(ue=ue(), service=service(), bandwidth_bps=80e6)
    option = select(manifest(entry("m", adaptive=False)), request).selected
    assert option is not None and option.download_ms == pytest.approx(1000.0)
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(DeliverySelectionError, match="positive"):
            select(
                manifest(entry("m")),
                SelectionRequest(ue=ue(), service=service(), bandwidth_bps=bad),
            )


def test_the_classifier_manifest_selects_its_base_on_a_slow_link(
    digits_repository: ModelRepository,
) -> None:
    request = SelectionRequest(
        ue=ue(
            connectionCapabilities="1 Mbps",
            supportedAiFrameworks=[{"name": "ONNX_RUNTIME", "version": "1.18"}],
        ),
        service=service(maximumServiceInferenceLatency=100, minimumServiceInferenceAccuracy=95),
        starts_with_download=True,
        preference=Preference.STARTUP,
    )
    selection = select(digits_repository.manifest(), request)
    assert selection.selected is not None
    assert selection.selected.variant_identifier == "digits-int8"
    assert DeliveryConstraint.LATENCY in _failed(selection, "digits-full")
    message = selection.selected.selection()
    assert message.variant_identifier == "digits-int8" and message.ai_model_information
    assert selection.selected.request().variant_identifier == "digits-int8"
