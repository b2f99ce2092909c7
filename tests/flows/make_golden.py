"""Regenerate the golden traces: ``python -m tests.flows.make_golden``.

One trace per covering walk of each flow (together they visit every step occurrence), plus
hand-picked walks through the loops. Review the diff before committing: the golden traces
change only when a flow or an example message changes on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

from ts26927.flows import FLOWS
from ts26927.flows.walks import covering_walks, entry

GOLDEN = Path(__file__).parent / "golden"

# Walks that take the loops more than once.
EXTRA = {
    "federated-learning": [
        [
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "12",
            "13",
            "14",
            "15",
            "16",
            "17",
            "5",
            "12",
            "13",
            "14",
            "15",
            "16",
            "17",
        ],
        ["1", "2", "3", "5", "7", "8", "9", "10", "12", "13", "14", "15", "16", "17"],
    ],
    "split-inference": [
        [
            "0",
            "1",
            "2a",
            "3a",
            "4a",
            "5a",
            "6a",
            "7a",
            "10",
            "11",
            "12",
            "13",
            "14",
            "15a",
            "16a",
            "17a",
            "18a",
            "19a",
            "20a",
            "15a",
            "16a",
            "18a",
            "19a",
            "20a",
            "1",
            "2b",
            "3b",
            "4b",
            "5b",
            "6b",
            "7b",
            "8b",
            "9b",
            "10",
            "11",
            "12",
            "13",
            "14",
            "15b",
            "16b",
            "17b",
            "18b",
            "19b",
            "20b",
        ],
    ],
    "adaptive-model-delivery": [
        [
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
            "9",
            "10",
            "11",
            "6",
            "7",
            "12",
            "8",
            "9",
            "10",
            "11",
            "5",
            "6",
            "7",
            "12",
            "8",
            "9",
            "10",
        ],
    ],
}


def main() -> None:
    for old in GOLDEN.glob("*.json"):
        old.unlink()
    for flow in FLOWS.values():
        walks = covering_walks(flow) + EXTRA.get(flow.id, [])
        for index, walk in enumerate(walks, 1):
            trace = [entry(flow, step) for step in walk]
            path = GOLDEN / f"{flow.id}-{index}.json"
            path.write_text(json.dumps(trace, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
