"""The model delivery checks at the edges of their tolerances: each figure exactly at its
documented limit passes, and the next float beyond it fails. (No announced model size lies
exactly 5 % off the digits fixture's in binary64, so that edge has no test: see
tools/mutation/SURVIVORS.md.)"""

from __future__ import annotations

import pytest

from ts26927.conformance.checks import CheckFailed
from ts26927.conformance.truth import truth
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.models.units import BYTES_PER_MB

from .edges import beyond, exact_edge
from .profile_edits import edited_service, edited_ue
from .recorded import seen

DELIVERY = "5.2.2.2.1-model-delivery-001"
# The documented tolerances, written out.
ACCURACY_TOLERANCE = 1.0


def _measured() -> float:
    measured = truth("digits").accuracy(None, CodecChain.parse("NONE"))
    assert measured is not None
    return measured


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_an_accuracy_exactly_a_point_off_passes(sign: float) -> None:
    measured = _measured()
    edge = exact_edge(
        lambda announced: abs(announced - measured),
        ACCURACY_TOLERANCE,
        measured + sign * ACCURACY_TOLERANCE,
    )
    check = seen(DELIVERY, "model-information", "2")
    ctx, record = check.fresh()
    record.message["aiModelInformation"]["accuracy"] = edge  # type: ignore[index]
    check.run(ctx)
    record.message["aiModelInformation"]["accuracy"] = beyond(edge, measured)  # type: ignore[index]
    with pytest.raises(CheckFailed, match="measured on the held-out set"):
        check.run(ctx)


def test_memory_exactly_the_weights_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    weights_mb = truth("digits").parameter_bytes / BYTES_PER_MB
    larger, smaller = beyond(weights_mb, 0.0), beyond(weights_mb, 1e9)
    for memory, passes in ((weights_mb, True), (larger, True), (smaller, False)):
        name = edited_ue(monkeypatch, memory_mb=memory)
        check = seen(DELIVERY, "model-fits-ue", "2")
        ctx, _ = check.fresh(fixtures={"ueCapabilities": name})
        if passes:
            check.run(ctx)
        else:
            with pytest.raises(CheckFailed, match="weights alone need"):
                check.run(ctx)


def test_a_floor_exactly_a_point_above_the_measured_accuracy_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    measured = _measured()
    floor = exact_edge(lambda f: f - ACCURACY_TOLERANCE, measured, measured + ACCURACY_TOLERANCE)
    for value, passes in ((floor, True), (beyond(floor, 0.0), False)):
        name = edited_service(monkeypatch, minimumServiceInferenceAccuracy=value)
        check = seen(DELIVERY, "model-fits-ue", "2")
        ctx, _ = check.fresh(fixtures={"serviceRequirements": name})
        if passes:
            check.run(ctx)
        else:
            with pytest.raises(CheckFailed, match="is below the"):
                check.run(ctx)
