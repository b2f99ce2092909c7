"""The reference UE of AI/ML model distribution, driven step by step: how it follows an
announcement in whole or by reference, the model it runs, and every delivery it must refuse."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ts26927.bindings.attachments import bytes_to_array
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference import ReferenceOptions
from ts26927.bindings.reference.ue_model_distribution import UeModelDistribution
from ts26927.conformance.truth import truth
from ts26927.engine.onnxtools.digest import sha256

DATA = truth("digits").fixture.data
REFERENCE = "https://af.example.com/ai/p-1/service-access"
MANIFEST = "https://af.example.com/ai/p-1/manifest.json"


def _access(**change: Any) -> dict[str, Any]:
    return {
        "provisioningSessionId": "p-1",
        "aiModels": [{"modelIdentifier": "digits", "modelSize": len(DATA) / 1e6}],
        "manifestLocation": MANIFEST,
        **change,
    }


def _delivery(data: bytes = DATA, identifier: str = "digits") -> dict[str, Any]:
    return {"modelIdentifier": identifier, "size": len(data), "sha256": sha256(data)}


def _outputs(reply: Reply) -> list[Output]:
    assert not isinstance(reply, Refusal), reply
    return reply


def _refused(reply: Reply, reason: str) -> None:
    assert isinstance(reply, Refusal), reply
    assert reason in reply.reason, reply.reason


def _by_reference(options: ReferenceOptions | None = None) -> UeModelDistribution:
    ue = UeModelDistribution({"model": "digits", "sample": 4}, options or ReferenceOptions())
    [start] = _outputs(ue.on("4", {"reference": REFERENCE}, {}))
    assert start.step == "5" and start.message == {"accessLocation": REFERENCE}
    [request] = _outputs(ue.on("6", _access(), {}))
    assert request.step == "7"
    assert request.message == {"accessLocation": MANIFEST, "modelIdentifier": "digits"}
    return ue


def test_by_reference_it_acquires_the_access_information_then_runs_the_model() -> None:
    ue = _by_reference()
    [output] = _outputs(ue.on("8", _delivery(), {"model": DATA}))
    assert output.step == "9" and output.message["sequenceNumber"] == 0  # type: ignore[index]
    np.testing.assert_allclose(
        bytes_to_array(output.attachments["output"]), truth("digits").whole(4)
    )


def test_announced_in_whole_it_starts_the_delivery_at_once() -> None:
    ue = UeModelDistribution({"model": "digits", "sample": 4}, ReferenceOptions())
    access = _access(manifestLocation=None)
    del access["manifestLocation"]
    start, request = _outputs(ue.on("4", {"serviceAccessInformation": access}, {}))
    assert (start.step, request.step) == ("5", "7")
    assert request.message == {"accessLocation": "urn:ai-model:digits", "modelIdentifier": "digits"}
    _refused(ue.on("6", _access(), {}), "announced in whole")
    assert _outputs(ue.on("8", _delivery(), {"model": DATA}))[0].step == "9"


def test_its_own_numbering_and_implicit_model() -> None:
    options = ReferenceOptions(
        model_distribution_first_sequence=1, model_distribution_requests_name_model=False
    )
    ue = UeModelDistribution({"model": "digits", "sample": 4}, options)
    ue.on("4", {"reference": REFERENCE}, {})
    [request] = _outputs(ue.on("6", _access(), {}))
    assert "modelIdentifier" not in request.message  # type: ignore[operator]
    [output] = _outputs(ue.on("8", _delivery(), {"model": DATA}))
    assert output.message["sequenceNumber"] == 1  # type: ignore[index]


def test_it_refuses_an_announcement_or_access_information_without_a_model() -> None:
    ue = UeModelDistribution({"model": "digits"}, ReferenceOptions())
    without = {"provisioningSessionId": "p-1", "manifestLocation": MANIFEST}
    _refused(ue.on("4", {"serviceAccessInformation": without}, {}), "lists no AI model")
    ue.on("4", {"reference": REFERENCE}, {})
    _refused(ue.on("6", without, {}), "lists no AI model")


def test_a_delivery_before_the_access_information_is_refused() -> None:
    ue = UeModelDistribution({"model": "digits"}, ReferenceOptions())
    ue.on("4", {"reference": REFERENCE}, {})
    _refused(ue.on("8", _delivery(), {"model": DATA}), "no service access information")


@pytest.mark.parametrize(
    ("message", "attachments", "reason"),
    [
        (_delivery(identifier="other"), {"model": DATA}, "'other' was not announced"),
        (_delivery(), {}, "does not match the announced size and SHA-256"),
        (_delivery(), {"model": DATA[:-1] + bytes([DATA[-1] ^ 1])}, "SHA-256"),
    ],
)
def test_it_refuses_a_delivery_that_does_not_verify(
    message: dict[str, Any], attachments: dict[str, bytes], reason: str
) -> None:
    ue = _by_reference()
    _refused(ue.on("8", message, attachments), reason)
    assert _outputs(ue.on("8", _delivery(), {"model": DATA}))[0].step == "9"


def test_bytes_that_are_no_model_are_refused() -> None:
    ue = UeModelDistribution({"model": "digits"}, ReferenceOptions())
    ue.on("4", {"reference": REFERENCE}, {})
    ue.on("6", _access(aiModels=[{"modelIdentifier": "digits"}]), {})  # no size announced
    junk = b"not a model"
    _refused(ue.on("8", _delivery(junk), {"model": junk}), "the distributed model is refused")


def test_a_model_of_another_size_than_announced_is_refused() -> None:
    ue = UeModelDistribution({"model": "digits"}, ReferenceOptions())
    ue.on("4", {"reference": REFERENCE}, {})
    ue.on("6", _access(aiModels=[{"modelIdentifier": "digits", "modelSize": 1.5}]), {})
    _refused(ue.on("8", _delivery(), {"model": DATA}), "the announcement says 1.5 MB")
    assert ue.poll() == []
