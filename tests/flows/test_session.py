"""Stepping through a flow with a ``FlowSession``: the legal steps and what they lead to.

A legal step advances the session and is recorded; branches exclude each other; a flow can
end only after every mandatory step; a side sees only its own steps; rewinding takes back the
last step; and, on a tiny flow, the first, optional, repeated and last steps and the end of
the flow. Refusals are in ``test_session_refusals.py``, saving and restoring in
``test_session_restore.py``.
"""

from __future__ import annotations

import json

import pytest

from tests.flows.split_session import split_until
from ts26927.errors import StepOutOfOrderError
from ts26927.flows import FLOWS, Flow, FlowSession, Step, session
from ts26927.flows.structure import loop, opt, seq
from ts26927.flows.walks import entry, message_for
from ts26927.models.messages.split import AiSplitInferenceRequest


def test_a_legal_step_advances_and_is_recorded() -> None:
    s = split_until("0", "1")
    assert s.state == "after step 1" and s.allowed() == ["2a", "2b"]
    accepted = s.accept("2a", message_for(s.flow.step("2a")))
    assert isinstance(accepted.message, AiSplitInferenceRequest)
    assert [a.step.id for a in s.history] == ["0", "1", "2a"]


def test_branches_exclude_each_other() -> None:
    s = split_until("0", "1", "2a")
    with pytest.raises(StepOutOfOrderError):
        s.accept("3b")


def test_can_end_only_after_every_mandatory_step() -> None:
    s = session("model-delivery")
    for step_id in ["1", "2", "3", "4", "5", "6", "7", "8"]:
        assert not s.can_end
        s.accept(step_id, entry(s.flow, step_id)["message"])
    s.accept("9", entry(s.flow, "9")["message"])
    assert s.can_end and s.allowed() == ["7"]


def test_a_side_sees_only_its_steps_and_passes_over_the_others() -> None:
    from ts26927.flows.functions import Side

    flow = FLOWS["split-inference"]
    network = FlowSession(flow, view=Side.NETWORK)
    assert "1" not in network.allowed() and network.allowed() == ["0"]
    for step in ["0", "2b", "3b", "4b", "6b", "7b", "8b", "9b", "10", "11", "12", "13"]:
        network.accept(step, message_for(flow.step(step)))
    # 14, 15b and 16b happen inside the UE; the network's next step is 17b (or a new
    # negotiation, or the other data-source branch).
    assert "17b" in network.allowed() and "14" not in network.allowed()
    network.accept("17b", message_for(flow.step("17b")))
    with pytest.raises(StepOutOfOrderError):
        network.accept("17a", message_for(flow.step("17a")))
    restored = FlowSession.from_wire(json.loads(network.to_json()), FLOWS)
    assert restored.view is Side.NETWORK and restored.allowed() == network.allowed()
    ue = FlowSession(FLOWS["model-delivery"], view=Side.UE)
    assert ue.allowed() == ["1"]


def test_rewind_takes_back_the_last_step() -> None:
    s = split_until("0", "1", "2a")
    s.rewind()
    assert s.state == "after step 1" and s.allowed() == ["2a", "2b"]
    s.accept("2b", message_for(s.flow.step("2b")))
    empty = session("model-delivery")
    with pytest.raises(IndexError):
        empty.rewind()


# --- boundaries: first step, optional and repeated steps, the end of a flow ---------------


def _tiny_flow() -> Flow:
    from ts26927.flows import functions as f

    ue, net = f.UE_APPLICATION, f.NETWORK_APPLICATION
    return Flow(
        id="tiny",
        clause="0.0",
        figure="none",
        title="a, optional b, c once or more, d",
        steps=(
            Step("a", ue, net, "first"),
            Step("b", net, ue, "optional"),
            Step("c", ue, ue, "repeated"),
            Step("d", net, ue, "last"),
        ),
        structure=seq("a", opt("b"), loop("c"), "d"),
    )


def test_first_optional_repeated_and_last_steps() -> None:
    s = FlowSession(_tiny_flow())
    assert (s.state, s.allowed(), s.can_end) == ("start", ["a"], False)
    with pytest.raises(StepOutOfOrderError, match=r"refused in state 'start'.*allowed next: a$"):
        s.accept("b")
    s.accept("a")
    assert s.allowed() == ["b", "c"] and not s.can_end
    s.accept("c")  # b skipped: it is optional
    assert s.allowed() == ["c", "d"] and not s.can_end
    s.accept("c")  # the loop repeats
    with pytest.raises(StepOutOfOrderError):
        s.accept("b")  # the option has passed
    s.accept("d")
    assert (s.state, s.allowed(), s.can_end) == ("after step d", [], True)
    with pytest.raises(StepOutOfOrderError) as caught:
        s.accept("a")
    assert caught.value.allowed == []
    assert str(caught.value).endswith("out of order; allowed next: none (the flow has ended)")
    restored = FlowSession.from_wire(json.loads(s.to_json()), {"tiny": s.flow})
    assert [a.step.id for a in restored.history] == ["a", "c", "c", "d"]
    assert restored.allowed() == [] and restored.can_end


def test_a_loop_needs_its_first_pass() -> None:
    s = FlowSession(_tiny_flow())
    s.accept("a")
    with pytest.raises(StepOutOfOrderError, match=r"allowed next: b, c$"):
        s.accept("d")


def test_rewinding_to_the_start_and_past_it() -> None:
    s = FlowSession(_tiny_flow())
    s.accept("a")
    s.accept("c")
    assert s.rewind().step.id == "c" and s.allowed() == ["b", "c"]
    assert s.rewind().step.id == "a"
    assert (s.state, s.allowed(), s.history) == ("start", ["a"], ())
    with pytest.raises(IndexError):
        s.rewind()
