"""The aggregate check verifies the rule the IUT declares (IXIT), and only that."""

from __future__ import annotations

import numpy as np
import pytest

from ts26927.conformance.checks import CheckFailed, run_check
from ts26927.conformance.context import CaseContext, Record
from ts26927.conformance.fixtures.models import fl_model_fixture
from ts26927.engine.federated.parameters import update_information

INITIAL = fl_model_fixture().initial


def _params(shift: float) -> dict[str, np.ndarray]:
    return {n: (a + np.float32(shift)).astype(np.float32) for n, a in INITIAL.items()}


def _run(rule: dict, sent: dict[str, np.ndarray], updates: list[tuple[float, int]]) -> CaseContext:
    records = [
        Record("2", "IUT", {"modelIdentifier": "g"}, {}),
        Record("5", "IUT", update_information(INITIAL, "g").to_wire(), {}),
    ]
    for shift, samples in updates:
        update = update_information(_params(shift), "g", round_number=1, samples=samples)
        records.append(Record("15", "TS", {"modelUpdateInformation": update.to_wire()}, {}))
    records.append(Record("17", "IUT", {"roundNumber": 1, "newModelId": "g2"}, {}))
    new = update_information(sent, "g", new_model_id="g2")
    records.append(Record("5", "IUT", new.to_wire(), {}))
    ctx = CaseContext("c", "NETWORK", {"flModel": "digits-mlp"}, records=records, ixit=rule)
    run_check("fl-model", ctx, records[-1], {})
    return ctx


def test_fedavg_is_the_sample_weighted_mean() -> None:
    _run({"federatedAggregation": "FEDAVG"}, _params(0.75), [(0.0, 1), (1.0, 3)])
    with pytest.raises(CheckFailed, match="not the FEDAVG"):
        _run({"federatedAggregation": "FEDAVG"}, _params(0.5), [(0.0, 1), (1.0, 3)])


def test_a_server_step_moves_part_of_the_way() -> None:
    rule = {"federatedAggregation": "FEDAVG_SERVER_STEP", "federatedServerStepSize": 0.5}
    _run(rule, _params(0.5), [(1.0, 10)])
    with pytest.raises(CheckFailed, match="not the FEDAVG_SERVER_STEP"):
        _run(rule, _params(1.0), [(1.0, 10)])


def test_median_and_trimmed_mean() -> None:
    _run({"federatedAggregation": "MEDIAN"}, _params(1.0), [(0.0, 1), (1.0, 1), (5.0, 1)])
    trimmed = {"federatedAggregation": "TRIMMED_MEAN", "federatedTrimFraction": 0.25}
    _run(trimmed, _params(1.5), [(0.0, 1), (1.0, 1), (2.0, 1), (9.0, 1)])


def test_an_undeclared_rule_is_checked_only_as_far_as_the_tr_goes() -> None:
    ctx = _run({"federatedAggregation": "OTHER"}, _params(123.0), [(1.0, 1)])
    assert any("OTHER" in note for note in ctx.notes)


def test_a_model_that_changes_without_a_new_id_fails() -> None:
    records = [
        Record("2", "IUT", {"modelIdentifier": "g"}, {}),
        Record("5", "IUT", update_information(INITIAL, "g").to_wire(), {}),
        Record("5", "IUT", update_information(_params(1.0), "g").to_wire(), {}),
    ]
    ctx = CaseContext("c", "NETWORK", {"flModel": "digits-mlp"}, records=records)
    with pytest.raises(CheckFailed, match="no newModelId"):
        run_check("fl-model", ctx, records[-1], {})
