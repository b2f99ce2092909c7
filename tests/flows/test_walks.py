from __future__ import annotations

import pytest

from ts26927.flows import FLOWS
from ts26927.flows.walks import covering_walks, entry, replay, shortest_end, shortest_to


def test_shortest_paths_and_covering_walks() -> None:
    flow = FLOWS["split-inference"]
    position = flow.automaton.labels.index("9b")
    assert shortest_to(flow, position) == ["0", "1", "2b", "3b", "4b", "5b", "6b", "7b", "8b", "9b"]
    assert shortest_end(flow, replay(flow, ["0", "1", "2a"]))[:5] == ["3a", "4a", "5a", "6a", "7a"]
    covered = {step for walk in covering_walks(flow) for step in walk}
    assert covered == {s.id for s in flow.steps}


def test_replay_refuses_illegal_prefixes_and_entry_unknown_steps() -> None:
    flow = FLOWS["model-delivery"]
    with pytest.raises(ValueError, match="step 3 not allowed"):
        replay(flow, ["1", "3"])
    with pytest.raises(KeyError):
        entry(flow, "2a")
    assert entry(flow, "8") == {
        "step": "8",
        "sender": "UE_INFERENCE_ENGINE",
        "receiver": "UE_INFERENCE_ENGINE",
        "message": None,
    }
