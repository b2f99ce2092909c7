"""A pytest plugin for mutant runs (``-p tools.mutation.pytest_order``): the clean run records
each test's duration, the mutant runs then take the fastest files first (and, within a file,
the fastest tests first), so that ``-x`` stops a killed mutant before the slow tests."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

RECORD = "MUTATION_RECORD_DURATIONS"  # where the clean run writes {node id: seconds}
ORDER = "MUTATION_ORDER_BY"  # the file a mutant run orders its tests by

_durations: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if os.environ.get(RECORD):
        _durations[report.nodeid] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get(RECORD)
    if path:
        Path(path).write_text(json.dumps(_durations), encoding="utf-8")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    path = os.environ.get(ORDER)
    if not path:
        return
    durations: dict[str, float] = json.loads(Path(path).read_text(encoding="utf-8"))
    per_file: dict[str, float] = defaultdict(float)
    for node, seconds in durations.items():
        per_file[node.partition("::")[0]] += seconds

    # A stable sort: files stay together, so module-scoped fixtures are still built once.
    def key(item: pytest.Item) -> tuple[float, str, float]:
        file = item.nodeid.partition("::")[0]
        return per_file[file], file, durations.get(item.nodeid, 0.0)

    items.sort(key=key)
