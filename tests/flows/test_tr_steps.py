"""Every numbered step of every workflow is in its flow with the TR's own id, and no flow
has a step the TR does not number. The TR text of clauses 5.2 and 5.3.5-5.3.6 is kept in
``tests/data``; the step numbers are read from it independently of the flow tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ts26927.flows import FLOWS

DATA = Path(__file__).parent.parent / "data"
CLAUSE_5_2 = (DATA / "tr26927_clause_5_2.txt").read_text(encoding="utf-8")
CLAUSE_5_3 = (DATA / "tr26927_clause_5_3_5.txt").read_text(encoding="utf-8")


def _between(text: str, start: str, end: str) -> str:
    head = text.index(start)
    return text[head : text.index(end, head + len(start))]


def _numbered(text: str) -> list[str]:
    # The TR prints "4a The Network Application…" without the period once.
    return re.findall(r"^\s*(\d+[ab]?)[.]?\s", text, flags=re.M)


SECTIONS = {
    "model-delivery": _between(CLAUSE_5_2, "5.2.2.2.1", "5.2.2.2.2"),
    "adaptive-model-delivery": _between(CLAUSE_5_2, "5.2.2.2.2", "5.2.32"),
    "split-inference": _between(CLAUSE_5_2, "0. The session is established", "During the"),
    "split-inference-network-source": _between(
        CLAUSE_5_2, "20b. The network AI Model", "Figure 5.2.3-4 shows"
    ),
    "split-inference-ue-source": _between(CLAUSE_5_2, "Figure 5.2.3-4 shows", "5.2.4\t"),
    "federated-learning": _between(CLAUSE_5_2, "5.2.4.2", "5.3\t"),
    "split-operation": _between(CLAUSE_5_3, "5.3.5", "5.3.6"),
}


@pytest.mark.parametrize("flow_id", list(SECTIONS))
def test_flow_has_exactly_the_trs_numbered_steps(flow_id: str) -> None:
    numbered = _numbered(SECTIONS[flow_id])
    if flow_id == "split-inference-network-source":
        numbered = numbered[1:]  # the section starts at the 20b line of the detailed flow
    assert numbered, flow_id
    assert [s.id for s in FLOWS[flow_id].steps] == numbered


def test_model_distribution_has_steps_1_to_9() -> None:
    text = CLAUSE_5_3[CLAUSE_5_3.index("5.3.6") :]
    assert "Steps 1 to 8 assume the same steps as defined in TS 26.501" in text
    assert "In step 9, the Media Client performs AI inferencing" in text
    assert [s.id for s in FLOWS["model-distribution"].steps] == [str(i) for i in range(1, 10)]


def test_every_workflow_is_covered() -> None:
    assert set(FLOWS) == {*SECTIONS, "model-distribution"}
