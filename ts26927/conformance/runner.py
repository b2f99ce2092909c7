"""Replays conformance cases against an implementation and gives one verdict per case.

Theory of operation. The runner keeps the whole flow's session (both sides) and a queue of
the steps the IUT performed but no case step has consumed yet. A TS step is recorded in
the session, and delivered to the IUT when its receiver is on the IUT's side; a TS step
marked ``expectRefusal`` must be refused. An IUT step takes the next performed step from
the queue (asking the IUT to ``poll`` when the queue is empty), which must be the expected
TR step, legal in the flow, valid against its schema, and pass the case's checks. Every
call into the IUT is guarded by the per-step timeout. The first problem decides the
verdict, with the step id and the TR clause.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ts26927.bindings.base import Implementation, ImplementationInfo, Output, Refusal, Reply
from ts26927.errors import (
    HarnessError,
    HarnessSetupRefusedError,
    ProtocolError,
    Ts26927Error,
)
from ts26927.flows import FlowSession, get_flow
from ts26927.flows.table import Flow

from .applicability import ApplicabilityError, applies
from .case import CaseStep, Performer, TestCase
from .checks import CheckFailed, run_check
from .context import CaseContext, CaseDataError, Record
from .fixtures import build
from .guard import CallCrashed, CallTimeout, guarded
from .verdict import CaseResult, Verdict


@dataclass(frozen=True)
class RunParameters:
    """Run parameters (IXIT), kept apart from the IUT's capabilities (ICS)."""

    timeout_multiplier: float = 1.0


class _Stop(Exception):
    def __init__(self, verdict: Verdict, step: str | None, reason: str) -> None:
        self.verdict, self.step, self.reason = verdict, step, reason
        super().__init__(reason)


@dataclass
class _Run:
    case: TestCase
    iut: Implementation
    timeout_s: float
    flow: Flow = field(init=False)
    session: FlowSession = field(init=False)
    ctx: CaseContext = field(init=False)
    queue: deque[Output] = field(default_factory=deque)
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.flow = get_flow(self.case.flow)
        self.session = FlowSession(self.flow)
        self.ctx = CaseContext(self.case.id, self.case.role.value, self.case.preamble.params)

    # -- calls into the IUT ----------------------------------------------------------------
    def call(self, what: str, step: str | None, action: Any) -> Any:
        try:
            return guarded(action, self.timeout_s)
        except CallTimeout as error:
            raise _Stop(Verdict.TIMEOUT, step, f"{what}: {error}") from None
        except CallCrashed as error:
            raise _Stop(Verdict.ERROR, step, f"{what} broke: {error}") from None

    def take(self, reply: Reply, step: str | None) -> None:
        if isinstance(reply, Refusal):
            raise _Stop(Verdict.FAIL, step, f"the IUT refused a legal step: {reply.reason}")
        if not isinstance(reply, list) or not all(isinstance(o, Output) for o in reply):
            raise _Stop(Verdict.ERROR, step, f"the adapter answered {type(reply).__name__}")
        self.queue.extend(reply)
        self.log.extend(f"IUT performed step {o.step}" for o in reply)

    # -- steps -----------------------------------------------------------------------------
    def ts_step(self, entry: CaseStep) -> None:
        step = self.flow.step(entry.step)
        if step is None:
            raise _Stop(Verdict.ERROR, entry.step, "the case names a step the flow lacks")
        if entry.fixture is not None:
            message, attachments = build(entry.fixture, self.ctx)
        else:
            message, attachments = self.ctx.resolve(entry.message), {}
        to_iut = step.receiver.side.value == self.case.role.value or (
            step.either_direction and step.sender.side.value == self.case.role.value
        )
        if entry.expect_refusal:
            self.expect_refusal(entry, message, attachments, to_iut)
            return
        try:
            self.session.accept(entry.step, message)
        except ProtocolError as error:
            raise _Stop(
                Verdict.ERROR, entry.step, f"the case's own step is illegal: {error}"
            ) from None
        self.ctx.records.append(Record(entry.step, "TS", message, attachments))
        self.log.append(f"TS performed step {entry.step}")
        if to_iut:
            reply = self.call(
                f"step {entry.step}",
                entry.step,
                lambda: self.iut.deliver(entry.step, message, attachments),
            )
            self.take(reply, entry.step)

    def expect_refusal(
        self, entry: CaseStep, message: Any, attachments: dict[str, bytes], to_iut: bool
    ) -> None:
        if not to_iut:
            raise _Stop(
                Verdict.ERROR,
                entry.step,
                "a refusal is expected of a step the IUT does not receive",
            )
        reply = self.call(
            f"step {entry.step}",
            entry.step,
            lambda: self.iut.deliver(entry.step, message, attachments),
        )
        if not isinstance(reply, Refusal):
            raise _Stop(
                Verdict.FAIL,
                entry.step,
                "the IUT accepted a step it must refuse (out of order or malformed)",
            )
        self.log.append(f"IUT refused step {entry.step}: {reply.reason}")

    def expect_quiet(self) -> None:
        if not self.queue:
            self.take(self.call("poll", None, self.iut.poll), None)
        if self.queue:
            raise _Stop(
                Verdict.FAIL,
                self.queue[0].step,
                f"the IUT performed step {self.queue[0].step}, which it must not",
            )

    def iut_step(self, entry: CaseStep) -> None:
        if not self.queue:
            self.take(self.call("poll", entry.step, self.iut.poll), entry.step)
        if not self.queue or self.queue[0].step != entry.step:
            if entry.optional:
                return
            performed = self.queue[0].step if self.queue else "nothing"
            raise _Stop(
                Verdict.FAIL,
                entry.step,
                f"expected the IUT to perform step {entry.step}; it performed {performed}",
            )
        output = self.queue.popleft()
        step = self.flow.step(output.step)
        assert step is not None  # queue[0].step matched a case step the flow has
        iut_side = self.case.role.value
        if step.sender.side.value != iut_side and not (
            step.either_direction and step.receiver.side.value == iut_side
        ):
            raise _Stop(Verdict.FAIL, output.step, "the IUT performed a step of the other side")
        try:
            self.session.accept(output.step, output.message)
        except ProtocolError as error:
            raise _Stop(Verdict.FAIL, output.step, str(error)) from None
        record = Record(output.step, "IUT", output.message, dict(output.attachments))
        self.ctx.records.append(record)
        for item in entry.checks:
            try:
                run_check(item.check, self.ctx, record, item.args)
            except CheckFailed as error:
                raise _Stop(Verdict.FAIL, output.step, f"{item.check}: {error}") from None


def run_case(
    case: TestCase,
    iut: Implementation,
    info: ImplementationInfo,
    params: RunParameters | None = None,
) -> CaseResult:
    """Replay ``case`` against ``iut``; never raises for anything the IUT does."""
    params = params or RunParameters()
    start = time.perf_counter()

    def result(verdict: Verdict, step: str | None, reason: str, log: list[str]) -> CaseResult:
        return CaseResult(
            case.id,
            case.title,
            case.clause,
            case.flow,
            case.role.value,
            verdict,
            step,
            reason,
            time.perf_counter() - start,
            log,
        )

    try:
        if not applies(case.applicability, info.capabilities):
            return result(
                Verdict.NOT_APPLICABLE,
                None,
                "the implementation does not declare what the case needs",
                [],
            )
    except ApplicabilityError as error:
        return result(Verdict.ERROR, None, f"case data: {error}", [])
    run = _Run(case, iut, case.timeout_s * params.timeout_multiplier)
    state = {"state": case.preamble.state, "params": case.preamble.params}
    try:
        try:
            guarded(lambda: iut.setup(case.id, case.flow, case.role.value, state), run.timeout_s)
        except CallTimeout as error:
            raise _Stop(Verdict.TIMEOUT, None, f"preamble: {error}") from None
        except CallCrashed as error:
            # The IUT could not set up the state: inconclusive, not a fail. A harness or
            # adapter that broke on the way is the test system's error.
            broken = isinstance(error.error, HarnessError) and not isinstance(
                error.error, HarnessSetupRefusedError
            )
            verdict = Verdict.ERROR if broken else Verdict.INCONCLUSIVE
            raise _Stop(verdict, None, f"preamble failed: {error}") from None
        run.take(run.call("begin", None, iut.begin), None)
        for entry in case.steps:
            (run.ts_step if entry.by is Performer.TS else run.iut_step)(entry)
        if case.ends_quiet:
            run.expect_quiet()
        verdict = result(Verdict.PASS, None, "every step and check passed", run.log)
    except _Stop as stop:
        verdict = result(stop.verdict, stop.step, stop.reason, run.log)
    except (CaseDataError, Ts26927Error) as error:
        verdict = result(Verdict.ERROR, None, f"test system: {error}", run.log)
    except Exception as error:  # a bug of the test system, never the IUT's
        verdict = result(
            Verdict.ERROR, None, f"test system broke: {type(error).__name__}: {error}", run.log
        )
    try:
        guarded(iut.teardown, run.timeout_s)
    except (CallTimeout, CallCrashed) as error:
        run.log.append(f"teardown: {error}")
    return verdict


__all__ = ["RunParameters", "run_case"]
