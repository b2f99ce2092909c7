"""Run the AST mutator's mutants: each in a workspace copy, against the tests of its module
that call the mutated function (recorded in the clean run, see pytest_reach.py)."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from .ast_mutator import Mutant, Scope, find_mutants
from .modules import Module
from .pytest_order import ORDER, RECORD
from .pytest_reach import RECORD as RECORD_REACH
from .pytest_reach import WATCH, reaching, watched_files
from .report import Interrupted, Result
from .selftest import SelftestOracle, cases_for
from .workspace import Outcome, Workspace, kill_all

T = TypeVar("T")


def spread(items: Sequence[T], limit: int | None) -> list[T]:
    """At most ``limit`` items, evenly spaced (a smoke run samples the whole module)."""
    if limit is None or limit >= len(items):
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


def mutant_timeout(clean_seconds: float) -> float:
    """A mutant's tests may take three times the clean run, plus slack for a busy machine."""
    return 3 * clean_seconds + 30


def run_ast(
    workspaces: Sequence[Workspace],
    modules: Sequence[Module],
    *,
    scope: Scope,
    limit: int | None,
    oracle: SelftestOracle,
    log: Callable[[str], None],
    only: Callable[[list[Mutant]], list[Mutant]] | None = None,
) -> tuple[list[Result], list[str]]:
    """The AST mutants of ``modules`` (which share their tests), or those of each module
    ``only`` chooses; their results and errors."""
    base = workspaces[0]
    tests = modules[0].tests
    work = [
        (module, mutant)
        for module in modules
        for mutant in spread(
            (only or list)(find_mutants(base.original(module.path), module.path, scope)), limit
        )
    ]
    if not work:
        return [], []
    durations = base.path / ".mutation-durations.json"
    reach_file = base.path / ".mutation-reach.json"
    clean = base.pytest(
        tests,
        timeout=None,
        env={
            RECORD: str(durations),
            RECORD_REACH: str(reach_file),
            WATCH: watched_files(m.path for m in modules),
        },
    )
    if clean.returncode != 0:
        names = ", ".join(m.name for m in modules)
        return [], [f"ast ({names}): the tests fail without mutants:\n{clean.text[-3000:]}"]
    reach: dict[str, list[list[object]]] = json.loads(reach_file.read_text(encoding="utf-8"))
    timeout = mutant_timeout(clean.seconds)
    log(f"ast: {len(work)} mutants, tests take {clean.seconds:.0f} s clean (recording)")

    pool: queue.Queue[Workspace] = queue.Queue()
    for ws in workspaces:
        pool.put(ws)
    finished: list[Result] = []
    lock = threading.Lock()

    def one(item: tuple[Module, Mutant]) -> Result:
        module, mutant = item
        selected = reaching(reach, mutant.path, mutant.line)
        ws = pool.get()
        began = time.monotonic()
        try:
            status = _judge(ws, module, mutant, selected, timeout, durations, oracle)
        finally:
            ws.restore(mutant.path)
            pool.put(ws)
        result = Result(
            module=module.name,
            engine="ast",
            path=mutant.path,
            line=mutant.line,
            operator=mutant.operator,
            original=mutant.original,
            mutated=mutant.mutated,
            status=status,
        )
        with lock:
            finished.append(result)
            log(
                f"[{len(finished)}/{len(work)}] {status:<8} {module.name}  {mutant.describe()}"
                f"  ({len(selected)} tests, {time.monotonic() - began:.0f} s)"
            )
        return result

    executor = ThreadPoolExecutor(max_workers=len(workspaces))
    try:
        return list(executor.map(one, work)), []
    except KeyboardInterrupt:
        partial = list(finished)  # before the killed commands read as kills
        executor.shutdown(wait=False, cancel_futures=True)
        kill_all()
        raise Interrupted(partial) from None
    finally:
        executor.shutdown(wait=False)


def _judge(
    ws: Workspace,
    module: Module,
    mutant: Mutant,
    tests: Sequence[str],
    timeout: float,
    durations: Path,
    oracle: SelftestOracle,
) -> str:
    """How the mutant ends: killed by ``tests`` (the node ids that call its function; none
    means no test reaches it), or else by the self-test, or it survives."""
    ws.apply(mutant)
    if tests:
        outcome = ws.pytest(tests, timeout=timeout, env={ORDER: str(durations)})
        if outcome.timed_out:
            return "timeout"
        if outcome.returncode != 0:
            return "killed"
    unreached = "survived" if tests else "no tests"
    if not (module.selftest and oracle.enabled):
        return unreached

    def baseline() -> Outcome:  # once: the whole self-test on this copy without the mutant
        ws.restore(mutant.path)
        try:
            return ws.selftest(timeout=None)
        finally:
            ws.apply(mutant)

    if not oracle.ready(baseline):
        return unreached
    # The unmutated sources say which cases can notice (the mutant is not in them).
    ws.restore(mutant.path)
    noticeable, cases = cases_for(ws.path, mutant.path, mutant.function)
    ws.apply(mutant)
    if not noticeable:
        return unreached
    caught = oracle.catches(ws.selftest(timeout=oracle.timeout, cases=cases))
    return "selftest" if caught else unreached
