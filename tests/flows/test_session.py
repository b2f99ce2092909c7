from __future__ import annotations

import json

import pytest

from ts26927.errors import (
    InvalidMessageError,
    ProtocolError,
    SessionRestoreError,
    StepOutOfOrderError,
    UnknownFlowError,
    UnknownStepError,
    WrongPartyError,
)
from ts26927.flows import FLOWS, FlowSession, session
from ts26927.flows.walks import entry, message_for
from ts26927.models.messages.split import AiSplitInferenceRequest, SessionEstablishment


def _split_until(*steps: str) -> FlowSession:
    s = session("split-inference")
    for step_id in steps:
        s.accept(step_id, message_for(s.flow.step(step_id)))
    return s


def _snapshot(s: FlowSession) -> tuple:
    return (s.state, s.allowed(), s.can_end, s.to_json())


def test_a_legal_step_advances_and_is_recorded() -> None:
    s = _split_until("0", "1")
    assert s.state == "after step 1" and s.allowed() == ["2a", "2b"]
    accepted = s.accept("2a", message_for(s.flow.step("2a")))
    assert isinstance(accepted.message, AiSplitInferenceRequest)
    assert [a.step.id for a in s.history] == ["0", "1", "2a"]


def test_out_of_order_step_names_flow_step_state_and_allowed() -> None:
    s = _split_until("0", "1")
    before = _snapshot(s)
    with pytest.raises(StepOutOfOrderError) as caught:
        s.accept("5a", message_for(s.flow.step("5a")))
    error = caught.value
    assert (error.flow, error.clause, error.step) == ("split-inference", "5.2.3.2", "5a")
    assert error.state == "after step 1" and error.allowed == ["2a", "2b"]
    assert "step 5a of 5.2.3.2 (split-inference) refused in state 'after step 1'" in str(error)
    assert _snapshot(s) == before


def test_branches_exclude_each_other() -> None:
    s = _split_until("0", "1", "2a")
    with pytest.raises(StepOutOfOrderError):
        s.accept("3b")


def test_unknown_step_and_unknown_flow() -> None:
    s = session("model-delivery")
    with pytest.raises(UnknownStepError, match="the flow has no such step"):
        s.accept("2a")
    with pytest.raises(UnknownFlowError, match="unknown flow 'nope'"):
        session("nope")


def test_wrong_party_is_refused_and_either_direction_allowed() -> None:
    s = session("split-inference")
    msg = message_for(s.flow.step("0"))
    with pytest.raises(WrongPartyError, match="sent MEDIA_AF -> UE_APPLICATION"):
        s.accept("0", msg, sender="MEDIA_AF", receiver="UE_APPLICATION")
    assert s.state == "start"
    s.accept("0", msg, sender="Network Application", receiver="UE_APPLICATION")
    with pytest.raises(WrongPartyError):
        s.accept("1", message_for(s.flow.step("1")), sender="NETWORK_APPLICATION")


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ({"sessionId": ""}, "invalid SessionEstablishment"),
        ({"sessionId": "s", "extra": 1}, "Extra inputs are not permitted"),
        ("s-1", "expected a SessionEstablishment object"),
        ({"sessionId": float("nan")}, "not a JSON SessionEstablishment"),
        (None, "expected a SessionEstablishment object"),
    ],
)
def test_invalid_messages_are_refused_without_change(message: object, reason: str) -> None:
    s = session("split-inference")
    with pytest.raises(InvalidMessageError, match=reason):
        s.accept("0", message)  # type: ignore[arg-type]
    assert s.state == "start" and s.history == ()


def test_a_message_of_another_type_is_refused() -> None:
    s = session("split-inference")
    wrong = AiSplitInferenceRequest.from_wire(message_for(FLOWS["split-inference"].step("2a")))
    with pytest.raises(InvalidMessageError, match="expected a SessionEstablishment, got a Ai"):
        s.accept("0", wrong)
    s.accept("0", SessionEstablishment(session_id="s-1"))


def test_an_action_step_carries_no_message() -> None:
    s = _split_until("0", "1", "2a")
    with pytest.raises(InvalidMessageError, match="carries no message"):
        s.accept("3a", {"anything": 1})
    s.accept("3a")


def test_invalid_message_issues_have_pointers() -> None:
    s = _split_until("0", "1")
    bad = {**message_for(s.flow.step("2a")), "optimizationPreference": "SPEED"}
    with pytest.raises(InvalidMessageError) as caught:
        s.accept("2a", bad)
    assert [i.pointer for i in caught.value.issues] == ["/optimizationPreference"]


def test_save_and_restore_round_trip() -> None:
    s = _split_until("0", "1", "2b", "3b", "4b")
    restored = FlowSession.from_wire(json.loads(s.to_json()), FLOWS)
    assert restored.state == s.state and restored.allowed() == ["5b"]
    assert [a.to_wire() for a in restored.history] == [a.to_wire() for a in s.history]


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.update(flow="nope"), "unknown flow 'nope'"),
        (lambda d: d.update(history="x"), "'history' list"),
        (lambda d: d["history"].insert(0, {"step": "4b"}), "/history/0: step 4b"),
        (lambda d: d["history"].append([1]), "/history/3: not a step entry"),
        (lambda d: d.update(state="after step 9b"), "differs from the replayed"),
        (lambda d: d["history"][0].update(message={}), "/history/0: step 0"),
    ],
)
def test_restore_refuses_tampered_sessions(mutate, reason: str) -> None:
    data = json.loads(_split_until("0", "1", "2b").to_json())
    mutate(data)
    with pytest.raises(SessionRestoreError, match=reason):
        FlowSession.from_wire(data, FLOWS)


def test_can_end_only_after_every_mandatory_step() -> None:
    s = session("model-delivery")
    for step_id in ["1", "2", "3", "4", "5", "6", "7", "8"]:
        assert not s.can_end
        s.accept(step_id, entry(s.flow, step_id)["message"])
    s.accept("9", entry(s.flow, "9")["message"])
    assert s.can_end and s.allowed() == ["7"]


def test_protocol_errors_share_a_base() -> None:
    assert issubclass(StepOutOfOrderError, ProtocolError)
    assert issubclass(InvalidMessageError, ProtocolError)


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


def test_restore_refuses_an_unknown_view() -> None:
    data = json.loads(session("model-delivery").to_json())
    data["view"] = "SATELLITE"
    with pytest.raises(SessionRestoreError, match="unknown view"):
        FlowSession.from_wire(data, FLOWS)


def test_rewind_takes_back_the_last_step() -> None:
    s = _split_until("0", "1", "2a")
    s.rewind()
    assert s.state == "after step 1" and s.allowed() == ["2a", "2b"]
    s.accept("2b", message_for(s.flow.step("2b")))
    empty = session("model-delivery")
    with pytest.raises(IndexError):
        empty.rewind()
