from __future__ import annotations

import pytest

from ts26927.flows import FLOWS, functions
from ts26927.flows.structure import alt, loop, opt, seq
from ts26927.flows.table import Flow, Phase, Step
from ts26927.models.registry import TYPES

A = Step("1", functions.UE_APPLICATION, functions.NETWORK_APPLICATION, "a")
B = Step("2", functions.NETWORK_APPLICATION, functions.UE_APPLICATION, "b")


@pytest.mark.parametrize(
    ("steps", "structure", "message"),
    [
        ((A, A), seq("1"), "step ids repeat"),
        ((A, B), seq("1"), "steps not in the structure: \\['2'\\]"),
        ((A,), seq("1", "9"), "structure names unknown steps: \\['9'\\]"),
    ],
)
def test_inconsistent_tables_are_refused(steps, structure, message) -> None:
    with pytest.raises(ValueError, match=message):
        Flow("x", "0", "Figure 0", "x", steps, structure)


@pytest.mark.parametrize(
    "phases",
    [
        (Phase("one", ("1",)),),  # step 2 in no phase
        (Phase("one", ("1", "2")), Phase("two", ("2",))),  # step 2 in two
        (Phase("one", ("1", "2", "9")),),  # an unknown step
    ],
)
def test_phases_must_hold_every_step_once(phases: tuple[Phase, ...]) -> None:
    with pytest.raises(ValueError, match="phases must hold every step once"):
        Flow("x", "0", "Figure 0", "x", (A, B), seq("1", "2"), phases=phases)


def test_a_flow_without_phases_is_one_part() -> None:
    flow = Flow("x", "0", "Figure 0", "title", (A, B), seq("1", "2"))
    assert flow.parts() == (Phase("title", ("1", "2")),)
    assert all(len(f.parts()) > 1 for f in FLOWS.values())  # every TR flow has its phases


def test_optional_branch_and_repeat_are_derived_from_the_structure() -> None:
    flow = Flow("x", "0", "Figure 0", "x", (A, B), seq(opt("1"), alt(("only", loop("2")))))
    assert flow.is_optional("1") and not flow.is_optional("2")
    assert flow.branches("2") == [("only",)] and flow.branches("1") == [()]
    assert flow.repeats("2") and not flow.repeats("1")


def test_every_step_message_is_a_registered_wire_type() -> None:
    for flow in FLOWS.values():
        for step in flow.steps:
            if step.message is not None:
                assert TYPES.get(step.message.__name__) is step.message, (flow.id, step.id)
            elif step.sender != step.receiver:
                pytest.fail(f"{flow.id} step {step.id} crosses functions without a message")


def test_every_flow_has_reachable_positions_and_no_dead_ends() -> None:
    from ts26927.flows.walks import covering_walks

    for flow in FLOWS.values():
        assert covering_walks(flow), flow.id


def test_the_tr_marks_these_steps_optional() -> None:
    fl = FLOWS["federated-learning"]
    assert [s.id for s in fl.steps if fl.is_optional(s.id)] == ["4", "6", "11"]
    op = FLOWS["split-operation"]
    assert {"16", "17", "18", "19", "20"} <= {s.id for s in op.steps if op.is_optional(s.id)}
    assert FLOWS["model-distribution"].is_optional("6")
