"""One running harness program: its own process group, bounded lines from its stdout, its
stderr drained into a short tail, writes and reads that cannot block forever, and a
clean-up that leaves nothing running and nothing unreaped. POSIX only.

Why threads: a reader thread turns stdout into a queue of lines, so a read waits with a
timeout; a drain thread keeps reading stderr, so a chatty harness never blocks on a full
pipe; a watchdog timer kills the process group when a write does not complete (a harness
that stopped reading its stdin).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ts26927.errors import (
    HarnessExitedError,
    HarnessSizeError,
    HarnessStartError,
    HarnessTimeoutError,
)

#: Default bound on one reply line (base64 attachments travel inside it).
MAX_LINE_BYTES = 128 * 1024 * 1024
#: How much of the harness's stderr is kept for error messages.
STDERR_TAIL_BYTES = 4096
#: How often a wait for a reply checks that the harness still runs.
_EXIT_CHECK_S = 0.05


#: Harnesses still running, killed at exit should a caller never stop them.
_LIVE: weakref.WeakSet[HarnessProcess] = weakref.WeakSet()


@atexit.register
def _kill_all() -> None:
    for process in list(_LIVE):
        process.kill()


@dataclass(frozen=True)
class _End:
    """Stdout reached its end (the harness exited or closed it)."""


@dataclass(frozen=True)
class _TooLong:
    size: int


class HarnessProcess:
    """A harness program started in a new session (its own process group)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        name: str,
        max_line_bytes: int = MAX_LINE_BYTES,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        self.name = name
        self.max_line_bytes = max_line_bytes
        try:
            self._proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # one group: the harness and whatever it starts
                env=env,
                cwd=cwd,
            )
        except OSError as error:
            raise HarnessStartError(name, "start", f"cannot run {argv[0]!r}: {error}") from None
        self.pid = self._proc.pid
        # Bounded: a harness that floods stdout blocks on its own pipe, not our memory.
        self._lines: queue.Queue[bytes | _End | _TooLong] = queue.Queue(maxsize=4)
        self._stderr = bytearray()
        self._stderr_lock = threading.Lock()
        self._closed = threading.Event()
        self._reaped = False
        self._write_timed_out = False
        # Descendants seen while the harness runs, by (pid, start time): one that leaves the
        # process group (setsid) escapes killpg, and is killed by pid at close.
        self._descendants: set[tuple[int, str]] = set()
        self._threads = [
            threading.Thread(target=self._read_stdout, name=f"harness-out-{self.pid}", daemon=True),
            threading.Thread(
                target=self._drain_stderr, name=f"harness-err-{self.pid}", daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()
        _LIVE.add(self)

    # -- background threads -----------------------------------------------------------------
    def _put(self, item: bytes | _End | _TooLong) -> None:
        while not self._closed.is_set():
            with contextlib.suppress(queue.Full):
                self._lines.put(item, timeout=0.1)
                return

    def _read_stdout(self) -> None:
        stream = self._proc.stdout
        assert stream is not None
        try:
            while True:
                line = stream.readline(self.max_line_bytes + 1)
                if not line:
                    break
                if len(line) > self.max_line_bytes and not line.endswith(b"\n"):
                    self._put(_TooLong(len(line)))  # and stop reading: the harness is killed
                    return
                self._put(line)
        except (OSError, ValueError):
            pass  # the pipe was closed under us: the same as its end
        self._put(_End())

    def _drain_stderr(self) -> None:
        stream = self._proc.stderr
        assert stream is not None
        with contextlib.suppress(OSError, ValueError):
            while chunk := stream.read1(65536):
                with self._stderr_lock:
                    self._stderr += chunk
                    del self._stderr[:-STDERR_TAIL_BYTES]

    # -- talking --------------------------------------------------------------------------
    def _remember_descendants(self) -> None:
        self._descendants |= descendants(self.pid)

    def send(self, line: bytes, where: str, timeout_s: float) -> None:
        """Write one line; a harness that does not read it within ``timeout_s`` is killed."""
        self._remember_descendants()
        stdin = self._proc.stdin
        assert stdin is not None
        watchdog = threading.Timer(timeout_s, self._write_timeout)
        watchdog.daemon = True
        watchdog.start()
        try:
            stdin.write(line)
            stdin.flush()
        except (OSError, ValueError):
            if self._write_timed_out:
                raise HarnessTimeoutError(
                    self.name, where, f"did not read its input within {timeout_s:g} s"
                ) from None
            raise self.exited(where) from None
        finally:
            watchdog.cancel()

    def _write_timeout(self) -> None:
        self._write_timed_out = True
        self.kill()

    def receive(self, where: str, timeout_s: float) -> bytes:
        """The next line of stdout, waiting at most ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while True:
            # Short waits, to notice a harness that exited while a process it started
            # still holds its stdout open (no end of file would ever come).
            remaining = deadline - time.monotonic()
            try:
                item = self._lines.get(timeout=max(0.0, min(remaining, _EXIT_CHECK_S)))
                break
            except queue.Empty:
                if self._status(timeout_s=0) is not None:
                    try:  # what it wrote just before exiting still counts
                        item = self._lines.get(timeout=_EXIT_CHECK_S)
                        break
                    except queue.Empty:
                        raise self.exited(where) from None
                if remaining <= 0:
                    raise HarnessTimeoutError(
                        self.name, where, f"no answer within {timeout_s:g} s{self._stderr_note()}"
                    ) from None
        if isinstance(item, _End):
            self._put(item)  # every later read sees the end too
            raise self.exited(where)
        if isinstance(item, _TooLong):
            raise HarnessSizeError(
                self.name, where, f"reply line longer than {self.max_line_bytes} bytes"
            )
        return item

    def exited(self, where: str) -> HarnessExitedError:
        status = self._status(timeout_s=0.5)
        how = "closed its stdout" if status is None else f"exited ({status})"
        return HarnessExitedError(
            self.name, where, f"{how} instead of answering{self._stderr_note()}"
        )

    def stderr_tail(self) -> str:
        with self._stderr_lock:
            return self._stderr.decode("utf-8", "replace")

    def _stderr_note(self) -> str:
        tail = self.stderr_tail().strip()
        return f"; its stderr ends: {tail[-600:]!r}" if tail else ""

    # -- ending ---------------------------------------------------------------------------
    def _status(self, timeout_s: float) -> str | None:
        """How the leader ended, without reaping it (so its group id stays ours)."""
        deadline = time.monotonic() + timeout_s
        while True:
            if self._reaped:
                code = self._proc.returncode
                return f"status {code}" if code >= 0 else f"signal {-code}"
            try:
                info = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return "already reaped"
            if info is not None:
                if info.si_code == os.CLD_EXITED:
                    return f"status {info.si_status}"
                return f"signal {info.si_status}"
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.01)

    def alive(self) -> bool:
        return not self._reaped and self._status(timeout_s=0) is None

    def kill(self) -> None:
        """Kill the whole process group now (the leader may be a zombie, never reaped yet)."""
        if not self._reaped:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)

    def close(self, grace_s: float) -> None:
        """Let the leader exit within ``grace_s`` (after ``stop``), kill what is left of the
        group, reap the leader, close the pipes and join the threads."""
        if self._reaped:
            return
        self._remember_descendants()
        self._status(timeout_s=grace_s)
        self.kill()
        for pid, started in self._descendants:
            if _start_time(pid) == started:  # the same process, not a reused pid
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        self._proc.wait()
        self._reaped = True
        _LIVE.discard(self)
        self._closed.set()
        with contextlib.suppress(OSError, ValueError):
            self._proc.stdin.close()  # type: ignore[union-attr]
        for thread, stream in zip(
            self._threads, (self._proc.stdout, self._proc.stderr), strict=True
        ):
            # With the group dead the pipes are at their end and the threads finish; one
            # still reading means a process escaped the group holding the pipe, and closing
            # a stream under a blocked read could block too, so it is left to the collector.
            thread.join(timeout=1.0)
            if not thread.is_alive() and stream is not None:
                stream.close()


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks (field 22 of /proc/PID/stat), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()[19]


def descendants(pid: int) -> set[tuple[int, str]]:
    """Every live descendant of ``pid`` (Linux /proc; elsewhere none are found)."""
    found: set[tuple[int, str]] = set()
    stack = [pid]
    while stack:
        parent = stack.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                pids = [int(p) for p in children.read_text().split()]
            except OSError:
                continue
            for child in pids:
                started = _start_time(child)
                if started is not None and (child, started) not in found:
                    found.add((child, started))
                    stack.append(child)
    return found


__all__ = ["MAX_LINE_BYTES", "HarnessProcess", "descendants"]
