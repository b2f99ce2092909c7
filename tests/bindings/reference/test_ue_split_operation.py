"""The reference UE of the split AI/ML operation procedure, driven step by step with the test
system's own messages (its builders): what it performs, the units it frames before and after
a split point update, and every network message it must refuse (its split staying as it
was)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ts26927.bindings.attachments import array_to_bytes
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference import ReferenceOptions
from ts26927.bindings.reference.ue_split_operation import UeSplitOperation
from ts26927.conformance.builders.registry import build
from ts26927.conformance.builders.ue_split_operation import point_of
from ts26927.conformance.context import CaseContext, Record
from ts26927.conformance.truth import truth
from ts26927.engine.split.unit import decode_unit

PARAMS = {"model": "digits", "sample": 6, "splitPoints": "relu1,relu2,dense1", "codecs": "ZSTD"}


class Drive:
    """The reference UE and the test system's records of one run."""

    def __init__(self, options: ReferenceOptions | None = None, **params: Any) -> None:
        merged = {**PARAMS, **params}
        self.ue = UeSplitOperation(merged, options or ReferenceOptions())
        self.ctx = CaseContext("t", "UE", merged, flow="split-operation")

    def send(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        reply = self.ue.on(step, message, attachments)
        if not isinstance(reply, Refusal):
            self.ctx.records.append(Record(step, "TS", message, attachments))
            for output in reply:
                self.ctx.records.append(
                    Record(output.step, "IUT", output.message, dict(output.attachments))
                )
        return reply

    def ts(self, step: str, builder: str) -> Reply:
        message, attachments = build(builder, self.ctx)
        return self.send(step, message, attachments)

    def running(self) -> Output:
        """Up to the first unit (step 14); returns it."""
        assert _steps(self.ts("2", "network-operation/access")) == ["3", "4"]
        assert _steps(self.ts("5", "network-operation/negotiation")) == []
        assert _steps(self.ts("6", "network-operation/acknowledgement")) == ["7", "8", "9"]
        assert _steps(self.ts("10", "network-operation/model-pipeline")) == ["11"]
        [unit] = _outputs(self.ts("13", "network-operation/intermediate-pipeline"))
        return unit


def _outputs(reply: Reply) -> list[Output]:
    assert not isinstance(reply, Refusal), reply
    return reply


def _steps(reply: Reply) -> list[str]:
    return [o.step for o in _outputs(reply)]


def _refused(reply: Reply, reason: str) -> None:
    assert isinstance(reply, Refusal), reply
    assert reason in reply.reason, reply.reason


def _true_crossing(node: str) -> dict[str, np.ndarray]:
    model = truth("digits")
    return model.crossing_values(model.cut_at_node(node), 6)


def test_it_reports_its_capabilities_and_requests_the_listed_model() -> None:
    drive = Drive()
    capabilities, request = _outputs(drive.ts("2", "network-operation/access"))
    assert capabilities.message["capabilityInformation"]["endpointType"] == "UE"  # type: ignore[index]
    assert request.message == {"modelIdentifier": "digits"}


def test_its_units_carry_the_agreed_cut_with_the_agreed_codec() -> None:
    unit = Drive().running()
    decoded = decode_unit(unit.attachments["unit"])
    assert unit.message["splitPointIdentifier"] == "after-relu1"  # type: ignore[index]
    assert unit.message["compressionAlgorithms"] == ["ZSTD"]  # type: ignore[index]
    assert decoded.header.split_point_information.split_point_identifier == "after-relu1"  # type: ignore[union-attr]
    np.testing.assert_array_equal(decoded.tensors["relu1"], _true_crossing("relu1")["relu1"])


def test_after_a_network_update_it_runs_the_new_subset() -> None:
    drive = Drive(updateTo="relu2")
    drive.running()
    [unit] = _outputs(drive.ts("15", "network-operation/split-update"))
    decoded = decode_unit(unit.attachments["unit"])
    assert unit.message["splitPointIdentifier"] == "after-relu2"  # type: ignore[index]
    np.testing.assert_array_equal(decoded.tensors["relu2"], _true_crossing("relu2")["relu2"])


def test_a_sub_model_delivered_as_model_data_is_run_as_it_is() -> None:
    drive = Drive(modelData="subset")
    unit = drive.running()
    assert set(decode_unit(unit.attachments["unit"]).tensors) == {"relu1"}


def test_it_refuses_an_update_outside_the_negotiated_set_and_keeps_its_split() -> None:
    drive = Drive()
    drive.running()
    _refused(drive.ts("15", "network-operation/split-update-not-negotiated"), "not one of")
    assert drive.ue.split is not None
    assert drive.ue.split.point.split_point_identifier == "after-relu1"


def test_it_refuses_any_update_of_a_static_split() -> None:
    drive = Drive()
    drive.ts("2", "network-operation/access")
    negotiation, _ = build("network-operation/negotiation", drive.ctx)
    drive.send("5", {**negotiation, "dynamic": False}, {})  # type: ignore[dict-item]
    ack, _ = build("network-operation/acknowledgement", drive.ctx)
    drive.send("6", {**ack, "dynamic": False}, {})  # type: ignore[dict-item]
    drive.ts("10", "network-operation/model-pipeline")
    drive.ts("13", "network-operation/intermediate-pipeline")
    _refused(drive.ts("15", "network-operation/split-update"), "static")


def test_an_acknowledgement_must_name_the_negotiated_selection() -> None:
    drive = Drive()
    drive.ts("2", "network-operation/access")
    drive.ts("5", "network-operation/negotiation")
    ack, _ = build("network-operation/acknowledgement", drive.ctx)
    other = {**ack, "splitPointInformation": point_of("relu2")}  # type: ignore[dict-item]
    _refused(drive.send("6", other, {}), "the negotiation selected 'after-relu1'")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"dataDirection": "DOWNSTREAM"}, "goes UPSTREAM"),
        ({"compressionAlgorithms": ["LZ4"]}, "not among the UE's reported"),
        ({"compressionAlgorithms": ["ZSTD", "LZ4"]}, "compressionAlgorithms"),
    ],
)
def test_it_refuses_intermediate_data_it_cannot_produce(change: dict, reason: str) -> None:
    drive = Drive()
    drive.ts("2", "network-operation/access")
    drive.ts("5", "network-operation/negotiation")
    ack, _ = build("network-operation/acknowledgement", drive.ctx)
    assert ack is not None
    information = {**ack["intermediateDataInformation"], **change}
    _refused(drive.send("6", {**ack, "intermediateDataInformation": information}, {}), reason)


def _acknowledged() -> Drive:
    drive = Drive()
    drive.ts("2", "network-operation/access")
    drive.ts("5", "network-operation/negotiation")
    drive.ts("6", "network-operation/acknowledgement")
    return drive


def test_model_data_must_come_in_a_model_pipeline_that_carries_a_model_reaching_the_split() -> None:
    drive = _acknowledged()
    pipeline, attachments = build("network-operation/model-pipeline", drive.ctx)
    assert pipeline is not None
    _refused(
        drive.send("10", {**pipeline, "kind": "INTERMEDIATE_DATA"}, attachments), "not MODEL_DATA"
    )
    _refused(drive.send("10", pipeline, {}), "no 'model' attachment")
    _refused(drive.send("10", pipeline, {"model": b"not a model"}), "the AI model data is refused")
    early = truth("digits").cut_at_node("dense1").first_model.SerializeToString()
    _refused(drive.send("10", pipeline, {"model": early}), "no split point where ['relu1'] cross")


def test_the_intermediate_pipeline_must_be_one() -> None:
    drive = _acknowledged()
    drive.ts("10", "network-operation/model-pipeline")
    pipeline, _ = build("network-operation/intermediate-pipeline", drive.ctx)
    _refused(drive.send("13", {**pipeline, "kind": "MODEL_DATA"}, {}), "not INTERMEDIATE_DATA")  # type: ignore[dict-item]


def test_it_refuses_a_result_for_another_split_point_or_without_output() -> None:
    drive = Drive()
    drive.running()
    _refused(
        drive.ts("14", "network-operation/result-other-split-point"),
        "the split point in force is 'after-relu1'",
    )
    result, attachments = build("network-operation/result", drive.ctx)
    assert result is not None
    _refused(drive.send("14", result, {}), "inference output is unusable")
    _refused(drive.send("14", result, {"output": b"garbage"}), "inference output is unusable")
    update = {"splitPointInformation": point_of("relu2")}
    _refused(drive.send("14", {**result, "splitPointUpdate": update}, attachments), "in band only")
    assert _steps(drive.send("14", result, attachments)) == []


def test_with_reports_on_it_reports_after_each_result_and_network_report() -> None:
    drive = Drive(statusReports=True)
    drive.running()
    [report] = _outputs(drive.ts("14", "network-operation/result"))
    assert report.step == "16" and report.message["inferenceStatus"] == "RUNNING"  # type: ignore[index]
    assert _steps(drive.ts("18", "network-operation/status")) == ["19"]
    assert _steps(Drive().ts("18", "network-operation/status")) == []


@pytest.mark.parametrize(
    ("options", "steps", "target"),
    [
        (ReferenceOptions(), ["15", "14"], "after-relu2"),
        (ReferenceOptions(split_operation_in_band_updates=True), ["14"], "after-relu2"),
        (ReferenceOptions(split_operation_update_choice="last"), ["15", "14"], "after-dense1"),
    ],
)
def test_its_application_moves_the_split_once(
    options: ReferenceOptions, steps: list[str], target: str
) -> None:
    drive = Drive(options, ueUpdate=True)
    drive.running()
    outputs = _outputs(drive.ts("14", "network-operation/result"))
    assert [o.step for o in outputs] == steps
    unit = outputs[-1]
    assert unit.message["splitPointIdentifier"] == target  # type: ignore[index]
    if options.split_operation_in_band_updates:
        in_band = unit.message["splitPointUpdate"]["splitPointInformation"]  # type: ignore[index]
        assert in_band["splitPointIdentifier"] == target
    assert _steps(drive.ts("14", "network-operation/result")) == []  # once only


def test_units_need_not_frame_their_split_point() -> None:
    unit = Drive(ReferenceOptions(split_operation_unit_split_point=False)).running()
    assert decode_unit(unit.attachments["unit"]).header.split_point_information is None


def test_session_updates_keep_the_model_and_move_only_to_negotiated_points() -> None:
    drive = Drive()
    drive.running()
    assert _steps(drive.ts("20", "network-operation/session-update")) == []
    _refused(drive.send("20", {"modelIdentifier": "another"}, {}), "was not offered")
    _refused(
        drive.send("20", {"splitPointInformation": point_of("scale_pixels")}, {}), "not one of"
    )
    assert _steps(drive.send("20", {"splitPointInformation": point_of("relu2")}, {})) == []
    assert drive.ue.split is not None
    assert drive.ue.split.point.split_point_identifier == "after-relu2"
    assert drive.ue.split.information.tensors[0].name == "relu2"


def test_steps_before_their_time_are_refused() -> None:
    ue = UeSplitOperation(PARAMS, ReferenceOptions())
    _refused(
        ue.on("2", {"provisioningSessionId": "p", "manifestLocation": "https://m"}, {}),
        "no AI model",
    )
    output = array_to_bytes(np.zeros((1, 10), np.float32))
    result = {"sequenceNumber": 0, "splitPointIdentifier": "x", "size": 40}
    _refused(ue.on("14", result, {"output": output}), "no intermediate data")
    _refused(ue.on("15", {"splitPointInformation": point_of("relu1")}, {}), "no split is running")
    pipeline = {
        "pipelineId": "i",
        "kind": "INTERMEDIATE_DATA",
        "location": "https://a",
        "streaming": True,
    }
    _refused(ue.on("13", pipeline, {}), "has not been set up")
    _refused(ue.on("10", {**pipeline, "kind": "MODEL_DATA"}, {}), "no split has been acknowledged")
    assert ue.poll() == []
