"""The fidelity table says, step by step, what the TR's sentence lists and which message
property carries it. Its phrases are checked against the TR text in ``tests/data`` (read
the way ``test_tr_steps`` reads the step numbers), its paths against the JSON Schema of the
step's message, and its coverage against the flow tables."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.flows.test_tr_steps import CLAUSE_5_3, SECTIONS
from ts26927.flows import FLOWS
from ts26927.flows.fidelity import TABLE, Item, StepFidelity, carried_items
from ts26927.schemas import type_schema

_STEP_LINE = re.compile(r"^\s*(\d+[ab]?)[.]?\s+(.*)$")


def _normal(text: str) -> str:
    # The TR writes apostrophes as U+2019; the table writes them plainly.
    return " ".join(text.replace("\u2019", "'").split()).lower()


def _sentences(flow_id: str) -> dict[str, str]:
    """Step id -> the text of the TR's numbered line for that step."""
    lines = SECTIONS[flow_id].splitlines()
    if flow_id == "split-inference-network-source":
        lines = lines[1:]  # the section starts at the 20b line of the detailed flow
    return {m[1]: m[2] for line in lines if (m := _STEP_LINE.match(line))}


# Clause 5.3.6 defines steps 1-8 in one paragraph (by reference to TS 26.501) and step 9 in
# the same paragraph: the clause text is the sentence of each of its steps.
_CLAUSE_5_3_6 = CLAUSE_5_3[CLAUSE_5_3.index("5.3.6") :]

SENTENCES: dict[tuple[str, str], str] = {
    **{(flow, step): text for flow in SECTIONS for step, text in _sentences(flow).items()},
    **{("model-distribution", str(i)): _CLAUSE_5_3_6 for i in range(1, 10)},
}

ALL_STEPS = [(flow.id, step.id) for flow in FLOWS.values() for step in flow.steps]


def test_the_table_covers_exactly_the_126_steps() -> None:
    assert len(ALL_STEPS) == 126
    assert sorted(TABLE) == sorted(ALL_STEPS)
    assert set(SENTENCES) == set(ALL_STEPS)


@pytest.mark.parametrize(("flow", "step"), ALL_STEPS)
def test_every_phrase_is_in_the_trs_sentence_for_the_step(flow: str, step: str) -> None:
    entry = TABLE[(flow, step)]
    assert entry.items, f"{entry.label} has no item"
    sentence = _normal(SENTENCES[(flow, step)])
    for item in entry.items:
        assert _normal(item.phrase) in sentence, (entry.label, item.phrase, sentence)


@pytest.mark.parametrize(("flow", "step"), ALL_STEPS)
def test_an_item_without_a_property_has_a_reading(flow: str, step: str) -> None:
    for item in TABLE[(flow, step)].items:
        assert item.paths or item.reading.strip(), (flow, step, item.phrase)
        assert all(p.startswith("/") and not p.endswith("/") for p in item.paths), item


def _deref(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while True:
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        elif node.get("type") == "array":
            node = node["items"]
        else:
            return node


def _resolves(schema: dict[str, Any], path: str) -> bool:
    defs = schema.get("$defs", {})
    node: dict[str, Any] = schema
    for part in path.strip("/").split("/"):
        properties = _deref(node, defs).get("properties", {})
        if part not in properties:
            return False
        node = properties[part]
    return True


def _message_of(entry: StepFidelity, item: Item) -> str:
    step = FLOWS[entry.flow].step(item.at or entry.step)
    assert step is not None and step.message is not None, (entry.label, item)
    return step.message.__name__


@pytest.mark.parametrize(("flow", "step"), ALL_STEPS)
def test_every_path_is_a_property_of_the_carrying_messages_schema(flow: str, step: str) -> None:
    entry = TABLE[(flow, step)]
    for item in entry.items:
        if not item.paths:
            continue
        name = _message_of(entry, item)
        schema = type_schema(name)
        for path in item.paths:
            assert _resolves(schema, path), f"{entry.label}: {name}{path}"


def test_an_item_carried_by_another_step_names_a_step_of_the_same_flow() -> None:
    for entry in TABLE.values():
        for item in entry.items:
            if item.at is not None:
                assert item.paths, (entry.label, item.phrase)
                assert FLOWS[entry.flow].step(item.at) is not None, (entry.label, item.at)


def test_an_action_step_carries_nothing_at_itself() -> None:
    for entry in TABLE.values():
        step = FLOWS[entry.flow].step(entry.step)
        assert step is not None
        if step.message is None:
            assert all(not i.paths or i.at for i in entry.items), entry.label


# The properties the messages gained to say what the TR says: each is tied to a TR phrase.
NEW_PROPERTIES = [
    ("AiSplitInferenceRequest", "/availableBandwidth"),
    ("AiModelInformationRequest", "/availableBandwidth"),
    ("AiModelInformationResponse", "/supportedSplitPoints"),
    ("AiModelInformationResponse", "/candidates/uplinkLatency"),
    ("AiModelInformationResponse", "/candidates/downlinkLatency"),
    ("ModelSelection", "/splitPointInformation"),
    ("ModelSelection", "/splitModelInformation"),
    ("AiServiceTrigger", "/synchronizationInformation"),
    ("IntermediateDataDelivery", "/splitPointUpdate"),
    ("SessionUpdate", "/pipelines"),
    ("MediaData", "/peerUser"),
    ("InferenceOutput", "/peerUser"),
    ("ModelDataDelivery", "/splitPointIdentifier"),
]


@pytest.mark.parametrize(("message", "path"), NEW_PROPERTIES)
def test_every_new_property_is_tied_to_tr_text(message: str, path: str) -> None:
    tied = [
        (entry.label, item.phrase)
        for entry, item, at in carried_items()
        if path in item.paths and FLOWS[entry.flow].step(at).message.__name__ == message
    ]
    assert tied, f"{message}{path} carries no TR phrase"


def test_the_schemas_mark_tr_phrases_and_library_additions() -> None:
    request = type_schema("AiSplitInferenceRequest")
    bandwidth = request["properties"]["availableBandwidth"]["x-tr26927"]
    assert bandwidth["trText"] == ["available bandwidth (uplink/downlink)"]
    assert bandwidth["steps"] == ["split-inference 2a"]
    session = request["properties"]["sessionId"]
    assert session["x-tr26927"] == {"origin": "library"}
    assert session["description"].endswith("Added by this library.")
    sha = type_schema("ModelDataDelivery")["properties"]["sha256"]
    assert sha["description"].count("Added by this library") == 1
    assert (
        "split-inference-network-source 2"
        in (
            type_schema("ModelSelection")["properties"]["splitPointInformation"]["x-tr26927"][
                "steps"
            ]
        )
    )
