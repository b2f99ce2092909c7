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
from ts26927.flows import FLOWS, Flow, FlowSession, Step, session
from ts26927.flows.structure import loop, opt, seq
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
        (
            lambda d: d["history"].insert(
                0, {"step": "4b", "sender": "NETWORK_APPLICATION", "receiver": "UE_APPLICATION"}
            ),
            "/history/0: step 4b",
        ),
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


# --- parties: sender and receiver are each checked ----------------------------------------


def _refused_party(
    s: FlowSession, step_id: str, sender: str | None, receiver: str | None
) -> WrongPartyError:
    before = _snapshot(s)
    with pytest.raises(WrongPartyError) as caught:
        s.accept(step_id, message_for(s.flow.step(step_id)), sender=sender, receiver=receiver)
    assert _snapshot(s) == before
    return caught.value


def test_the_right_sender_with_the_wrong_receiver_is_refused() -> None:
    s = _split_until("0")
    error = _refused_party(s, "1", "UE_CAPABILITY_MANAGER", "NETWORK_APPLICATION")
    assert error.step == "1" and error.state == "after step 0"
    assert error.reason == (
        "sent UE_CAPABILITY_MANAGER -> NETWORK_APPLICATION; "
        "the TR has UE_CAPABILITY_MANAGER -> UE_APPLICATION"
    )
    # Either direction lets the parties swap, not a receiver of the sender's choosing.
    error = _refused_party(session("split-inference"), "0", "UE_APPLICATION", "MEDIA_AF")
    assert error.reason == (
        "sent UE_APPLICATION -> MEDIA_AF; the TR has UE_APPLICATION -> NETWORK_APPLICATION "
        "or NETWORK_APPLICATION -> UE_APPLICATION"
    )


def test_a_wrong_receiver_alone_is_refused_and_a_right_one_alone_accepted() -> None:
    s = _split_until("0")
    error = _refused_party(s, "1", None, "NETWORK_APPLICATION")
    assert "sent None -> NETWORK_APPLICATION" in error.reason
    s.accept("1", message_for(s.flow.step("1")), receiver="UE Application")
    s.accept("2a", message_for(s.flow.step("2a")), sender="UE_APPLICATION")
    assert [a.step.id for a in s.history] == ["0", "1", "2a"]


def test_a_one_way_step_cannot_be_sent_backwards() -> None:
    s = _split_until("0")
    error = _refused_party(s, "1", "UE_APPLICATION", "UE_CAPABILITY_MANAGER")
    assert "the TR has UE_CAPABILITY_MANAGER -> UE_APPLICATION" in error.reason
    assert " or " not in error.reason
    s.accept("1", message_for(s.flow.step("1")), sender="AI Capability Manager (UE)")


def test_order_is_checked_before_parties_and_parties_before_the_message() -> None:
    s = _split_until("0", "1")
    with pytest.raises(StepOutOfOrderError):
        s.accept("5a", sender="MEDIA_AF", receiver="MEDIA_AF")
    with pytest.raises(WrongPartyError):
        s.accept("2a", {"not": "a request"}, sender="MEDIA_AF")


# --- the other refusals, with what they say -----------------------------------------------


def test_an_unknown_step_says_where_the_session_stands() -> None:
    s = session("model-delivery")
    with pytest.raises(UnknownStepError) as caught:
        s.accept("2a")
    error = caught.value
    assert (error.flow, error.clause, error.step) == ("model-delivery", "5.2.2.2.1", "2a")
    assert (error.state, error.allowed) == ("start", ["1"])
    assert str(error) == (
        "step 2a of 5.2.2.2.1 (model-delivery) refused in state 'start': "
        "the flow has no such step; allowed next: 1"
    )


def test_an_action_step_takes_an_empty_object_as_no_message() -> None:
    s = _split_until("0", "1", "2a")
    accepted = s.accept("3a", {})
    assert accepted.message is None
    assert accepted.to_wire() == {
        "step": "3a",
        "sender": "NETWORK_APPLICATION",
        "receiver": "NETWORK_APPLICATION",
        "message": None,
    }
    with pytest.raises(InvalidMessageError) as caught:
        s.accept("4a", {"x": None})
    assert caught.value.reason == "this step carries no message"


def test_a_message_step_refuses_a_missing_message_by_its_type() -> None:
    s = _split_until("0", "1")
    with pytest.raises(InvalidMessageError) as caught:
        s.accept("2a")
    assert caught.value.step == "2a"
    assert caught.value.reason == "expected a AiSplitInferenceRequest object"


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


# --- restoring: every history entry is checked, and says which one is wrong ---------------


def _saved() -> dict:
    return json.loads(_split_until("0", "1", "2b").to_json())


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({}, "/history/2: not a step entry"),
        ({"step": 2}, "/history/2: not a step entry"),
        ({"step": ["2b"]}, "/history/2: not a step entry"),
        ({"step": "2b", "receiver": "NETWORK_APPLICATION"}, "/history/2/sender: missing"),
        ({"step": "2b", "sender": "UE_APPLICATION"}, "/history/2/receiver: missing"),
        (
            {"step": "2b", "sender": None, "receiver": "NETWORK_APPLICATION"},
            "/history/2/sender: missing or not a logical function key",
        ),
        (
            {"step": "2b", "sender": "UE_APPLICATION", "receiver": 7},
            "/history/2/receiver: missing or not a logical function key",
        ),
        (
            {"step": "2b", "sender": "UE_APPLICATION", "receiver": "MEDIA_AF"},
            "/history/2: step 2b .* sent UE_APPLICATION -> MEDIA_AF",
        ),
        (
            {"step": "2b", "sender": "MEDIA_AF", "receiver": "NETWORK_APPLICATION"},
            "/history/2: step 2b .* sent MEDIA_AF -> NETWORK_APPLICATION",
        ),
        (
            {"step": "2b", "sender": "NETWORK_APPLICATION", "receiver": "UE_APPLICATION"},
            "/history/2: step 2b .* sent NETWORK_APPLICATION -> UE_APPLICATION",
        ),
        (
            {"step": "2b", "sender": "UE_APPLICATION", "receiver": "NETWORK_APPLICATION"},
            "/history/2: step 2b .*expected a AiModelInformationRequest object",
        ),
        (
            {"step": "9z", "sender": "UE_APPLICATION", "receiver": "NETWORK_APPLICATION"},
            "/history/2: step 9z .*the flow has no such step",
        ),
    ],
)
def test_restore_checks_each_history_entry(entry: dict, reason: str) -> None:
    data = _saved()
    data["history"][2] = entry
    data.pop("state")
    with pytest.raises(SessionRestoreError, match=reason):
        FlowSession.from_wire(data, FLOWS)


def test_restore_rechecks_the_parties_of_every_entry_not_only_the_first() -> None:
    data = _saved()
    data["history"][1]["receiver"] = "NETWORK_APPLICATION"
    with pytest.raises(
        SessionRestoreError, match=r"^/history/1: step 1 .* sent UE_CAPABILITY_MANAGER -> NETWORK_"
    ):
        FlowSession.from_wire(data, FLOWS)
    data = _saved()
    data["history"][0]["sender"], data["history"][0]["receiver"] = (
        "NETWORK_APPLICATION",
        "UE_APPLICATION",
    )  # step 0 goes either way
    assert FlowSession.from_wire(data, FLOWS).state == "after step 2b"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "a saved session is an object with a 'history' list"),
        ({"flow": "split-inference"}, "a saved session is an object with a 'history' list"),
        ({"history": []}, "unknown flow None"),
        ({"flow": "split-inference", "history": [], "view": None}, "unknown view None"),
        (
            {"flow": "split-inference", "history": [], "state": "after step 0"},
            "saved state 'after step 0' differs from the replayed 'start'",
        ),
    ],
)
def test_restore_refuses_a_malformed_session(data: object, reason: str) -> None:
    with pytest.raises(SessionRestoreError) as caught:
        FlowSession.from_wire(data, FLOWS)
    assert str(caught.value) == reason


def test_restore_without_a_state_or_a_view_replays_the_history() -> None:
    data = _saved()
    del data["state"]
    restored = FlowSession.from_wire(data, FLOWS)
    assert restored.view is None and restored.state == "after step 2b"
    assert "view" not in restored.to_wire()
    empty = FlowSession.from_wire({"flow": "model-delivery", "history": []}, FLOWS)
    assert (empty.state, empty.allowed()) == ("start", ["1"])


def test_a_session_that_keeps_no_messages_still_checks_them_and_cannot_be_saved() -> None:
    s = FlowSession(FLOWS["split-inference"], keep_messages=False)
    first = s.flow.steps[0]
    message = message_for(first)
    accepted = s.accept(first.id, message)
    assert accepted.message is not None  # the caller gets the validated message
    assert [a.step.id for a in s.history] == [first.id]
    assert s.history[0].message is None  # the history keeps only the step
    with pytest.raises(InvalidMessageError):  # still validated
        FlowSession(FLOWS["split-inference"], keep_messages=False).accept(first.id, {"x": 1})
    with pytest.raises(ValueError, match="keeps no messages"):
        s.to_wire()
