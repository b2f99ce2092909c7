"""What a ``FlowSession`` refuses, and what each refusal says.

Steps out of order, unknown steps and flows, the wrong parties (sender and receiver each
checked; order before parties, parties before the message) and invalid messages are refused
with errors that name the flow, step, state and what is allowed next, and leave the session
unchanged.
"""

from __future__ import annotations

import pytest

from tests.flows.split_session import split_until
from ts26927.errors import (
    InvalidMessageError,
    ProtocolError,
    StepOutOfOrderError,
    UnknownFlowError,
    UnknownStepError,
    WrongPartyError,
)
from ts26927.flows import FLOWS, FlowSession, session
from ts26927.flows.walks import message_for
from ts26927.models.messages.split import AiSplitInferenceRequest, SessionEstablishment


def _snapshot(s: FlowSession) -> tuple:
    return (s.state, s.allowed(), s.can_end, s.to_json())


def test_out_of_order_step_names_flow_step_state_and_allowed() -> None:
    s = split_until("0", "1")
    before = _snapshot(s)
    with pytest.raises(StepOutOfOrderError) as caught:
        s.accept("5a", message_for(s.flow.step("5a")))
    error = caught.value
    assert (error.flow, error.clause, error.step) == ("split-inference", "5.2.3.2", "5a")
    assert error.state == "after step 1" and error.allowed == ["2a", "2b"]
    assert "step 5a of 5.2.3.2 (split-inference) refused in state 'after step 1'" in str(error)
    assert _snapshot(s) == before


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
    with pytest.raises(InvalidMessageError, match=reason) as caught:
        s.accept("0", message)  # type: ignore[arg-type]
    assert caught.value.step == "0"  # the refusal names the step
    assert s.state == "start" and s.history == ()


def test_a_message_of_another_type_is_refused() -> None:
    s = session("split-inference")
    wrong = AiSplitInferenceRequest.from_wire(message_for(FLOWS["split-inference"].step("2a")))
    with pytest.raises(
        InvalidMessageError, match="expected a SessionEstablishment, got a Ai"
    ) as caught:
        s.accept("0", wrong)
    assert caught.value.step == "0"
    s.accept("0", SessionEstablishment(session_id="s-1"))


def test_an_action_step_carries_no_message() -> None:
    s = split_until("0", "1", "2a")
    with pytest.raises(InvalidMessageError, match="carries no message") as caught:
        s.accept("3a", {"anything": 1})
    assert caught.value.step == "3a"
    s.accept("3a")


def test_invalid_message_issues_have_pointers() -> None:
    s = split_until("0", "1")
    bad = {**message_for(s.flow.step("2a")), "optimizationPreference": "SPEED"}
    with pytest.raises(InvalidMessageError) as caught:
        s.accept("2a", bad)
    assert [i.pointer for i in caught.value.issues] == ["/optimizationPreference"]


def test_protocol_errors_share_a_base() -> None:
    assert issubclass(StepOutOfOrderError, ProtocolError)
    assert issubclass(InvalidMessageError, ProtocolError)


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
    s = split_until("0")
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
    s = split_until("0")
    error = _refused_party(s, "1", None, "NETWORK_APPLICATION")
    assert "sent None -> NETWORK_APPLICATION" in error.reason
    s.accept("1", message_for(s.flow.step("1")), receiver="UE Application")
    s.accept("2a", message_for(s.flow.step("2a")), sender="UE_APPLICATION")
    assert [a.step.id for a in s.history] == ["0", "1", "2a"]


def test_a_one_way_step_cannot_be_sent_backwards() -> None:
    s = split_until("0")
    error = _refused_party(s, "1", "UE_APPLICATION", "UE_CAPABILITY_MANAGER")
    assert "the TR has UE_CAPABILITY_MANAGER -> UE_APPLICATION" in error.reason
    assert " or " not in error.reason
    s.accept("1", message_for(s.flow.step("1")), sender="AI Capability Manager (UE)")


def test_order_is_checked_before_parties_and_parties_before_the_message() -> None:
    s = split_until("0", "1")
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
    s = split_until("0", "1", "2a")
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
    s = split_until("0", "1")
    with pytest.raises(InvalidMessageError) as caught:
        s.accept("2a")
    assert caught.value.step == "2a"
    assert caught.value.reason == "expected a AiSplitInferenceRequest object"
