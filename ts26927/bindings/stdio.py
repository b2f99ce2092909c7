"""An implementation under test reached through a harness program in any language, over
its stdin and stdout, one JSON object per line (``--target stdio:'COMMAND ARGS'``).

Theory of operation. The binding starts the program, says ``start`` with the protocol
version, and keeps the implementation's description from the answer (a harness speaking
another version is stopped at once). Each call of the
:class:`~ts26927.bindings.base.Implementation` interface becomes one command with a fresh
``seq``, answered by one line that echoes it. Anything else from the harness — no answer in
time, a line that is not JSON, a reply of the wrong shape or ``seq``, a line or attachment
over the bounds, an exit — raises a :class:`~ts26927.errors.HarnessError` naming the command,
its ``seq`` and step, and the harness is killed (its state is unknown); the next ``setup``
starts it afresh, so one broken case does not take the rest of the run with it.

The runner guards every call with its per-step timeout and abandons a call that overruns.
That call may still be waiting inside the binding; the next call finds it so (the harness
is busy), kills the harness, which ends the waiting call at once, and goes on.
"""

from __future__ import annotations

import contextlib
import shlex
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

from ts26927.bindings.base import PROTOCOL_VERSION, ImplementationInfo, Reply
from ts26927.bindings.stdio_process import MAX_LINE_BYTES, HarnessProcess
from ts26927.bindings.stdio_protocol import (
    BeginCommand,
    DeliverCommand,
    Errored,
    PollCommand,
    SetupCommand,
    StartCommand,
    StopCommand,
    TeardownCommand,
    encode,
    encode_attachments,
    parse_line,
    parse_reply,
    parse_started,
)
from ts26927.errors import (
    HarnessError,
    HarnessErroredError,
    HarnessExitedError,
    HarnessReplyError,
    HarnessSetupRefusedError,
    HarnessStartError,
    HarnessTimeoutError,
)

#: Time for the program to start and answer ``start``.
START_TIMEOUT_S = 10.0
#: Backstop for one answer; the runner's per-step timeout (usually shorter) comes first.
REPLY_TIMEOUT_S = 120.0
#: Largest attachment accepted from a harness (decoded).
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024
#: Time a harness has to exit after ``stop`` before its process group is killed.
STOP_GRACE_S = 2.0


def split_command(command: str | Sequence[str]) -> tuple[list[str], str]:
    """The argument vector and a printable form of a harness command line."""
    if isinstance(command, str):
        try:
            argv = shlex.split(command)
        except ValueError as error:
            raise HarnessStartError(command, "command line", str(error)) from None
        text = command
    else:
        argv, text = list(command), shlex.join(command)
    if not argv:
        raise HarnessStartError(text, "command line", "no program given")
    return argv, text


class StdioImplementation:
    """A harness program as an :class:`~ts26927.bindings.base.Implementation`."""

    def __init__(
        self,
        command: str | Sequence[str],
        *,
        start_timeout_s: float = START_TIMEOUT_S,
        reply_timeout_s: float = REPLY_TIMEOUT_S,
        max_line_bytes: int = MAX_LINE_BYTES,
        max_attachment_bytes: int = MAX_ATTACHMENT_BYTES,
        stop_grace_s: float = STOP_GRACE_S,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        self.argv, self.command = split_command(command)
        self.start_timeout_s = start_timeout_s
        self.reply_timeout_s = reply_timeout_s
        self.max_line_bytes = max_line_bytes
        self.max_attachment_bytes = max_attachment_bytes
        self.stop_grace_s = stop_grace_s
        self._env, self._cwd = env, cwd
        self._lock = threading.Lock()
        self._process: HarnessProcess | None = None
        self._problem: str | None = None  # why the running harness must not be used again
        self._info: ImplementationInfo | None = None
        self._seq = 0
        self._case = ""
        self.starts = 0
        self._start()

    @property
    def pid(self) -> int | None:
        """Process id (and group id) of the running harness, if any."""
        return self._process.pid if self._process is not None else None

    # -- the Implementation interface --------------------------------------------------------
    def describe(self) -> ImplementationInfo:
        assert self._info is not None  # set by the handshake in __init__
        return self._info

    def setup(self, case_id: str, flow: str, role: str, state: dict[str, Any]) -> None:
        with self._exclusive("setup"):
            if self._process is None or self._problem is not None or not self._process.alive():
                self._retire()
                self._start()
            self._case = case_id
            reply = self._request(
                "setup",
                None,
                lambda seq: SetupCommand(
                    cmd="setup", seq=seq, case=case_id, flow=flow, role=role, state=state
                ),
            )
            if not isinstance(reply, list):
                raise HarnessSetupRefusedError(
                    self.command, f"setup of case {case_id}", f"refused: {reply.reason}"
                )
            if reply:
                self._fail(
                    HarnessReplyError(
                        self.command, f"reply to setup of case {case_id}", "setup answers []"
                    )
                )

    def begin(self) -> Reply:
        with self._exclusive("begin"):
            return self._request("begin", None, lambda seq: BeginCommand(cmd="begin", seq=seq))

    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        with self._exclusive(f"deliver step {step}"):
            return self._request(
                "deliver",
                step,
                lambda seq: DeliverCommand(
                    cmd="deliver",
                    seq=seq,
                    step=step,
                    message=message,
                    attachments=encode_attachments(attachments),
                ),
            )

    def poll(self) -> Reply:
        with self._exclusive("poll"):
            return self._request("poll", None, lambda seq: PollCommand(cmd="poll", seq=seq))

    def teardown(self) -> None:
        with self._exclusive("teardown"):
            if self._process is None or self._problem is not None:
                self._retire()  # a harness that broke has nothing left to tear down
                return
            reply = self._request(
                "teardown", None, lambda seq: TeardownCommand(cmd="teardown", seq=seq)
            )
            self._case = ""
            if not isinstance(reply, list) or reply:
                self._fail(
                    HarnessReplyError(self.command, "reply to teardown", "teardown answers []")
                )

    def stop(self) -> None:
        """Say ``stop``, give the harness a moment to exit, then kill its process group."""
        with self._exclusive("stop"):
            process = self._process
            if process is not None and self._problem is None:
                with contextlib.suppress(HarnessError):
                    process.send(encode(StopCommand(cmd="stop")), "stop", self.stop_grace_s)
                process.close(grace_s=self.stop_grace_s)
            self._retire()

    def __enter__(self) -> StdioImplementation:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- machinery ---------------------------------------------------------------------------
    def _start(self) -> None:
        process = HarnessProcess(
            self.argv,
            name=self.command,
            max_line_bytes=self.max_line_bytes,
            env=self._env,
            cwd=self._cwd,
        )
        self._process, self._problem, self._seq = process, None, 0
        self.starts += 1
        try:
            process.send(
                encode(StartCommand(cmd="start", version=PROTOCOL_VERSION)),
                "start",
                self.start_timeout_s,
            )
            line = process.receive("reply to start", self.start_timeout_s)
            info = parse_started(self.command, parse_line(self.command, "reply to start", line))
        except HarnessError as error:
            self._problem = str(error)
            self._retire()
            raise
        if self._info is not None and info != self._info:
            self._problem = "restarted as another implementation"
            self._retire()
            raise HarnessStartError(
                self.command, "restart", f"it now describes itself as {info}, not {self._info}"
            )
        self._info = info

    @contextlib.contextmanager
    def _exclusive(self, what: str) -> Iterator[None]:
        if not self._lock.acquire(blocking=False):
            # The runner gave up on the previous call, which still waits for an answer: the
            # harness is hung. Killing it ends that wait at once.
            self._problem = f"it did not answer the command before {what} in time"
            if self._process is not None:
                self._process.kill()
            if not self._lock.acquire(timeout=self.stop_grace_s + 5.0):
                raise HarnessTimeoutError(self.command, what, "an earlier command never ended")
        try:
            yield
        finally:
            self._lock.release()

    def _request(self, kind: str, step: str | None, make: Callable[[int], Any]) -> Reply:
        process = self._process
        where = f"{kind} (seq {self._seq + 1}"
        where += (f", step {step}" if step else "") + (
            f", case {self._case})" if self._case else ")"
        )
        if process is None or self._problem is not None:
            raise HarnessExitedError(
                self.command, where, f"the harness was stopped earlier: {self._problem}"
            )
        self._seq += 1
        try:
            process.send(encode(make(self._seq)), where, self.reply_timeout_s)
            line = process.receive(f"reply to {where}", self.reply_timeout_s)
            data = parse_line(self.command, f"reply to {where}", line)
            reply = parse_reply(
                self.command, f"reply to {where}", data, self._seq, self.max_attachment_bytes
            )
        except HarnessError as error:
            self._fail(error)
        if isinstance(reply, Errored):  # the stream is still in step: the harness stays
            detail = f" ({reply.errored.detail[-2000:]})" if reply.errored.detail else ""
            raise HarnessErroredError(self.command, where, reply.errored.message + detail)
        return reply

    def _fail(self, error: HarnessError) -> NoReturn:
        """Kill the harness (its state is unknown now) and raise ``error``."""
        self._problem = str(error)
        if self._process is not None:
            self._process.kill()
        raise error

    def _retire(self) -> None:
        """Reap a harness that is over, whatever its state."""
        if self._process is not None:
            self._process.close(grace_s=0.0)
        self._process = None


def stdio_target(command: str) -> StdioImplementation:
    """Entry point for ``--target stdio:'COMMAND ARGS'``."""
    return StdioImplementation(command)


__all__ = ["StdioImplementation", "split_command", "stdio_target"]
