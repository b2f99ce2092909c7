"""Saving a ``FlowSession`` and restoring it: the round trip and every check on the way back.

A saved session restores to the same state, history and view; tampered, malformed or
inconsistent saves are refused with a pointer to what is wrong (every history entry and its
parties are checked again); a save without a state or view replays its history; a session
that keeps no messages still checks them but cannot be saved.
"""

from __future__ import annotations

import json

import pytest

from tests.flows.split_session import split_until
from ts26927.errors import InvalidMessageError, SessionRestoreError
from ts26927.flows import FLOWS, FlowSession, session
from ts26927.flows.walks import message_for


def test_save_and_restore_round_trip() -> None:
    s = split_until("0", "1", "2b", "3b", "4b")
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
    data = json.loads(split_until("0", "1", "2b").to_json())
    mutate(data)
    with pytest.raises(SessionRestoreError, match=reason):
        FlowSession.from_wire(data, FLOWS)


def test_restore_refuses_an_unknown_view() -> None:
    data = json.loads(session("model-delivery").to_json())
    data["view"] = "SATELLITE"
    with pytest.raises(SessionRestoreError, match="unknown view 'SATELLITE'"):
        FlowSession.from_wire(data, FLOWS)


# --- restoring: every history entry is checked, and says which one is wrong ---------------


def _saved() -> dict:
    return json.loads(split_until("0", "1", "2b").to_json())


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
    with pytest.raises(ValueError, match=r"^a session that keeps no messages cannot be saved$"):
        s.to_wire()
