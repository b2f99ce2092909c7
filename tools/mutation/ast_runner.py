"""Run the AST mutator's mutants: each in a workspace copy, against its module's tests."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from .ast_mutator import Mutant, Scope, find_mutants
from .modules import Module
from .pytest_order import ORDER, RECORD
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
) -> tuple[list[Result], list[str]]:
    """The AST mutants of ``modules`` (which share their tests); their results and errors."""
    base = workspaces[0]
    tests = modules[0].tests
    work = [
        (module, mutant)
        for module in modules
        for mutant in spread(find_mutants(base.original(module.path), module.path, scope), limit)
    ]
    if not work:
        return [], []
    durations = base.path / ".mutation-durations.json"
    clean = base.pytest(tests, timeout=None, env={RECORD: str(durations)})
    if clean.returncode != 0:
        names = ", ".join(m.name for m in modules)
        return [], [f"ast ({names}): the tests fail without mutants:\n{clean.text[-3000:]}"]
    timeout = mutant_timeout(clean.seconds)
    log(f"ast: {len(work)} mutants, tests take {clean.seconds:.0f} s clean")

    pool: queue.Queue[Workspace] = queue.Queue()
    for ws in workspaces:
        pool.put(ws)
    finished: list[Result] = []
    lock = threading.Lock()

    def one(item: tuple[Module, Mutant]) -> Result:
        module, mutant = item
        ws = pool.get()
        try:
            status = _judge(ws, module, mutant, timeout, durations, oracle)
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
            log(f"[{len(finished)}/{len(work)}] {status:<8} {module.name}  {mutant.describe()}")
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
    timeout: float,
    durations: Path,
    oracle: SelftestOracle,
) -> str:
    ws.apply(mutant)
    outcome = ws.pytest(module.tests, timeout=timeout, env={ORDER: str(durations)})
    if outcome.timed_out:
        return "timeout"
    if outcome.returncode != 0:
        return "killed"
    if not (module.selftest and oracle.enabled):
        return "survived"

    def baseline() -> Outcome:  # once: the whole self-test on this copy without the mutant
        ws.restore(mutant.path)
        try:
            return ws.selftest(timeout=None)
        finally:
            ws.apply(mutant)

    if not oracle.ready(baseline):
        return "survived"
    # The unmutated sources say which cases can notice (the mutant is not in them).
    ws.restore(mutant.path)
    noticeable, cases = cases_for(ws.path, mutant.path, mutant.function)
    ws.apply(mutant)
    if not noticeable:
        return "survived"
    caught = oracle.catches(ws.selftest(timeout=oracle.timeout, cases=cases))
    return "selftest" if caught else "survived"
