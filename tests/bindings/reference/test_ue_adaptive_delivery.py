"""The reference UE of adaptive model delivery, driven step by step with the test
system's own manifest and packages: what it requests and performs, and every package it
must refuse (the model it holds staying as it was)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ts26927.bindings.attachments import bytes_to_array
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference.ue_adaptive_delivery import UeAdaptiveDelivery
from ts26927.conformance.builders.adaptive_delivery import (
    AdaptiveOptions,
    _manifest,
    encode_adaptive,
    network_model,
    uncompressed,
)
from ts26927.conformance.fixtures.models import model_fixture
from ts26927.engine.delivery.encoder import canonical
from ts26927.engine.onnxtools.digest import sha256

MODEL = "digits"


def _packages(chain: str = "listed") -> list[bytes]:
    return [data for _, data in network_model(MODEL).chains[chain]]


def _delivery(variant: str, data: bytes) -> dict[str, Any]:
    return {
        "modelIdentifier": MODEL,
        "size": len(data),
        "sha256": sha256(data),
        "variantIdentifier": variant,
    }


def _outputs(reply: Reply) -> list[Output]:
    assert not isinstance(reply, Refusal), reply
    return reply


def _steps(reply: Reply) -> list[str]:
    return [o.step for o in _outputs(reply)]


def _started(
    new_session: bool = False, manifest: dict[str, Any] | None = None
) -> UeAdaptiveDelivery:
    ue = UeAdaptiveDelivery({"model": MODEL, "sample": 18}, new_session=new_session)
    assert _steps(ue.on("1", manifest or _manifest(MODEL), {})) == ["2", "3", "5"]
    return ue


def _deliver(ue: UeAdaptiveDelivery, data: bytes, variant: str | None = None) -> Reply:
    assert ue.pending is not None
    name = variant or ue.pending.variant_identifier
    return ue.on("6", _delivery(name, data), {"model": data})


def test_it_requests_the_int8_base_and_sets_up_its_session() -> None:
    ue = UeAdaptiveDelivery({"model": MODEL, "sample": 18})
    reply = _outputs(ue.on("1", _manifest(MODEL), {}))
    assert reply[0] == Output("2")
    assert reply[1].message == {"modelIdentifier": MODEL, "variantIdentifier": "digits-int8"}
    assert reply[2].message["variantIdentifier"] == "digits-int8"  # type: ignore[index]


def test_it_refines_level_by_level_to_the_bit_exact_model() -> None:
    ue = _started()
    outputs: list[np.ndarray] = []
    packages = _packages()
    steps = [
        ["7", "8", "9", "10", "11"],
        ["7", "12", "8", "9", "10", "11"],
        ["7", "12", "8", "9", "10"],
    ]
    for data, expected in zip(packages, steps, strict=True):
        reply = _outputs(_deliver(ue, data))
        assert [o.step for o in reply] == expected
        handover = reply[0].message
        assert handover is not None and handover["sha256"] == sha256(data)
        outputs.append(
            bytes_to_array(next(o for o in reply if o.step == "10").attachments["output"])
        )
        if "11" in expected:
            update = reply[-1].message
            assert update is not None and update["fromVariant"] == handover["variantIdentifier"]
    refined = next(o for o in reply if o.step == "12").attachments["model"]
    assert sha256(refined) == sha256(network_model(MODEL).full)
    assert not np.array_equal(outputs[0], outputs[2])  # each level is really another model
    assert ue.poll() == []


def test_with_new_sessions_it_sets_one_up_after_each_update_request() -> None:
    ue = _started(new_session=True)
    reply = _outputs(_deliver(ue, _packages()[0]))
    assert [o.step for o in reply][-2:] == ["11", "5"]
    assert reply[-1].message["variantIdentifier"] == "digits-int16"  # type: ignore[index]
    assert reply[-1].message["deliverySessionId"] == "ue-delivery-2"  # type: ignore[index]


def _refused(reply: Reply, reason: str) -> None:
    assert isinstance(reply, Refusal), reply
    assert reason in reply.reason


def test_a_malformed_manifest_is_refused() -> None:
    ue = UeAdaptiveDelivery({"model": MODEL})
    _refused(ue.on("1", {"manifestId": "m"}, {}), "the manifest is malformed")


def test_a_manifest_without_the_model_as_adaptive_model_is_refused() -> None:
    manifest = _manifest(MODEL)
    manifest["models"][0]["adaptive"] = False
    _refused(UeAdaptiveDelivery({"model": MODEL}).on("1", manifest, {}), "lists no adaptive model")
    _refused(
        UeAdaptiveDelivery({"model": "squeezenet"}).on("1", _manifest(MODEL), {}),
        "lists no adaptive model",
    )


def test_a_base_too_large_for_the_ue_is_not_selected() -> None:
    manifest = _manifest(MODEL)
    for variant in manifest["models"][0]["variants"]:
        variant["modelSize"] = 1000.0
    _refused(UeAdaptiveDelivery({"model": MODEL}).on("1", manifest, {}), "no adaptive base")


def test_a_package_before_any_request_is_refused() -> None:
    data = _packages()[0]
    _refused(
        UeAdaptiveDelivery({"model": MODEL}).on(
            "6", _delivery("digits-int8", data), {"model": data}
        ),
        "no package was requested",
    )


def test_a_malformed_delivery_is_refused() -> None:
    _refused(_started().on("6", {"size": -1}, {}), "the delivery is malformed")


def test_another_variant_than_requested_is_refused() -> None:
    _refused(_deliver(_started(), _packages()[1], "digits-int16"), "'digits-int8' was requested")


def test_a_delivery_without_the_package_is_refused() -> None:
    data = _packages()[0]
    _refused(_started().on("6", _delivery("digits-int8", data), {}), "no 'model' attachment")


def test_bytes_other_than_announced_are_refused_and_the_intact_ones_taken() -> None:
    ue = _started()
    data = bytearray(_packages()[0])
    data[-1] ^= 1
    _refused(
        ue.on("6", _delivery("digits-int8", _packages()[0]), {"model": bytes(data)}),
        "announced size and SHA-256",
    )
    assert ue.progressive is None
    assert "10" in _steps(_deliver(ue, _packages()[0]))


def test_a_package_other_than_the_manifest_lists_is_refused() -> None:
    foreign = _packages("foreign")[0]  # its own size and SHA-256, not the listed ones
    _refused(_deliver(_started(), foreign), "not the manifest's for digits-int8")


def test_an_update_for_another_base_is_refused_and_the_model_kept() -> None:
    manifest = _manifest(MODEL, swap_update="digits-int16")
    ue = _started(manifest=manifest)
    _outputs(_deliver(ue, _packages()[0]))
    held = ue.progressive
    assert held is not None
    _refused(_deliver(ue, _packages("foreign")[1]), "not the one held")
    assert ue.progressive is held and held.level == 0
    assert ue.held is not None and ue.held.variant_identifier == "digits-int8"


def test_a_base_of_another_model_is_refused() -> None:
    other = uncompressed(
        encode_adaptive(canonical(model_fixture(MODEL).model, "other"), "other", AdaptiveOptions())
    )
    base = other[0][1]
    manifest = _manifest(MODEL)
    manifest["models"][0]["variants"][1]["sha256"] = sha256(base)
    _refused(_deliver(_started(manifest=manifest), base), "is for model 'other'")
