"""Cases in worker processes (``conformance run --jobs N``): the results equal a serial
run's but for timings, one implementation per case, and nothing is left running when the
run is interrupted or its process dies."""

from __future__ import annotations

import _thread
import functools
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ts26927.bindings.reference import ReferenceImplementation, ReferenceOptions, factory
from ts26927.bindings.stdio import StdioImplementation
from ts26927.conformance.parallel import run_in_processes
from ts26927.conformance.runner import run_case
from ts26927.conformance.suite import load_suite, select_cases
from ts26927.conformance.verdict import CaseResult, Verdict
from ts26927.errors import TargetError

ROOT = Path(__file__).parent.parent.parent
SCRIPTED = ROOT / "tests" / "bindings" / "scripted_harness.py"
SUITE = load_suite()
INFO = ReferenceImplementation().describe()
#: Quick cases (the federated learning model is built in about a second).
QUICK = select_cases(SUITE, pattern="5.2.4.2-federated-learning-00[1-4]")
#: A legal variant that declares its aggregation rule only as OTHER: a case then has notes
#: (what its checks could not judge). A ``partial`` of a class pickles, for the workers.
UNDECLARED = functools.partial(ReferenceImplementation, ReferenceOptions(fl_aggregation="OTHER"))


def untimed(result: CaseResult) -> dict[str, Any]:
    data = result.to_dict()
    del data["durationS"]
    return data


@dataclass(frozen=True)
class FirstStartFails:
    """The run's first implementation cannot start (whichever worker asks); the others are
    the reference."""

    claim: Path

    def __call__(self) -> ReferenceImplementation:
        try:
            os.close(os.open(self.claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return factory()
        raise TargetError("the licence server did not answer")


@dataclass(frozen=True)
class Unresponsive:
    """A harness that never answers past its handshake and never exits by itself, with a
    grandchild; it writes "<own pid> <grandchild pid>" to a file of its own in ``folder``."""

    folder: Path

    def __call__(self) -> StdioImplementation:
        pids = self.folder / f"{uuid.uuid4().hex}.pids"
        argv = [sys.executable, str(SCRIPTED), "--ignore-stdin", "--child", str(pids)]
        return StdioImplementation(argv, start_timeout_s=30.0)


def started_harnesses(folder: Path, count: int, within_s: float = 60.0) -> list[int]:
    """The pids of ``count`` harnesses and their grandchildren, once they have all started."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        pids = [f.read_text().split() for f in folder.glob("*.pids")]
        if len(pids) >= count and all(len(p) == 2 for p in pids):
            return [int(pid) for pair in pids for pid in pair]
        time.sleep(0.05)
    raise AssertionError(f"{count} harnesses did not start within {within_s} s")


def running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not reaped yet, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def gone(pids: list[int], within_s: float = 10.0) -> bool:
    """Whether every process in ``pids`` has ended within ``within_s``."""
    deadline = time.monotonic() + within_s
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_results_come_in_case_order_and_equal_a_serial_run_but_for_timings() -> None:
    iut = UNDECLARED()
    info = iut.describe()
    serial = [run_case(case, iut, info) for case in QUICK]
    iut.stop()
    parallel = list(run_in_processes(QUICK, UNDECLARED, info, jobs=2))
    assert [untimed(r) for r in parallel] == [untimed(r) for r in serial]
    assert [r.case_id for r in parallel] == [c.id for c in QUICK]
    assert {r.verdict for r in parallel} == {Verdict.PASS}
    assert parallel[0].notes and all(r.log for r in parallel)
    assert all(r.duration_s > 0 for r in parallel)


def test_an_implementation_that_cannot_start_fails_its_case_alone(tmp_path: Path) -> None:
    results = list(run_in_processes(QUICK, FirstStartFails(tmp_path / "claim"), INFO, jobs=2))
    assert [r.case_id for r in results] == [c.id for c in QUICK]
    errors = [r for r in results if r.verdict is Verdict.ERROR]
    assert len(errors) == 1 and errors[0].reason == (
        "the implementation could not be started for this case: the licence server did not answer"
    )
    assert sum(r.verdict is Verdict.PASS for r in results) == len(QUICK) - 1


def test_jobs_must_be_one_or_more() -> None:
    with pytest.raises(ValueError, match="1 or more"):
        next(run_in_processes(QUICK, factory, INFO, jobs=0))
    assert list(run_in_processes([], factory, INFO, jobs=2)) == []


def test_ctrl_c_leaves_no_worker_and_no_harness_behind(tmp_path: Path) -> None:
    before = set(multiprocessing.active_children())
    results = run_in_processes(QUICK, Unresponsive(tmp_path), INFO, jobs=2)
    harnesses: list[int] = []
    workers: list[int] = []

    def interrupt() -> None:
        try:
            harnesses.extend(started_harnesses(tmp_path, 2))
            new = set(multiprocessing.active_children()) - before
            workers.extend(w.pid for w in new if w.pid is not None)
        finally:
            _thread.interrupt_main()  # Ctrl-C, while the runner waits for the first case

    threading.Thread(target=interrupt, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        next(results)
    assert len(harnesses) == 4 and gone(harnesses), "a harness or its child still runs"
    # By /proc: multiprocessing may still count a worker that another thread reaped.
    assert len(workers) == 2 and gone(workers), "a worker still runs"
    assert time.monotonic() - started < 45  # not the cases' 30 s timeout after the start


def test_workers_whose_runner_dies_leave_nothing_behind(tmp_path: Path) -> None:
    """The runner's process killed (SIGKILL, or SIGTERM from a cancelled CI job)."""
    script = textwrap.dedent(
        f"""
        import multiprocessing, sys, threading, time
        from pathlib import Path
        from tests.conformance.test_parallel import INFO, QUICK, Unresponsive
        from ts26927.conformance.parallel import run_in_processes

        def workers():
            while len(multiprocessing.active_children()) < 2:
                time.sleep(0.05)
            pids = " ".join(str(p.pid) for p in multiprocessing.active_children())
            Path({str(tmp_path / "workers")!r}).write_text(pids)

        if __name__ == "__main__":
            threading.Thread(target=workers, daemon=True).start()
            next(run_in_processes(QUICK, Unresponsive(Path({str(tmp_path)!r})), INFO, jobs=2))
        """
    )
    (tmp_path / "runner.py").write_text(script)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    runner = subprocess.Popen([sys.executable, str(tmp_path / "runner.py")], env=env)
    try:
        harnesses = started_harnesses(tmp_path, 2)
        workers = [int(p) for p in (tmp_path / "workers").read_text().split()]
        assert all(running(pid) for pid in workers + harnesses)
    finally:
        runner.send_signal(signal.SIGKILL)
        runner.wait()
    assert len(workers) == 2 and gone(workers + harnesses), "a worker or a harness still runs"
