"""Replays conformance cases against an implementation and gives one verdict per case.

Theory of operation. The runner keeps the whole flow's session (both sides) and a queue of
the steps the IUT performed but the runner has not consumed yet. A TS step is recorded in
the session and delivered to the IUT when its receiver is on the IUT's side (a step
between the other side's own functions, such as the UE's internal step 14, is recorded
only: the log says so). A TS step marked ``expectRefusal`` must be refused, through the
harness or by the workflow's in-band negative response (:mod:`.refusals`). An IUT step
takes the next performed step from the queue (asking the IUT to ``poll`` when the queue is
empty), which must be legal in the flow, valid against its schema and pass its checks.

Where the TR lets the IUT choose the order, the case's *reactions* apply: whenever the IUT
performs a step that has one — while the runner waits for a scripted step, or after the
script, until the IUT has nothing more to do — its checks run and the TS answers with the
reaction's steps. The case's *final* checks then judge the whole run. Every call into the
IUT is guarded by the per-step timeout. The first problem decides the verdict, with the
step id and the TR clause: the IUT's wrong data is a ``fail`` at its step; ``error`` is
kept for faults of the harness or of the suite itself.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ts26927.bindings.base import Implementation, ImplementationInfo, Output, Refusal, Reply
from ts26927.errors import HarnessError, HarnessSetupRefusedError, ProtocolError, Ts26927Error
from ts26927.flows import FlowSession, get_flow
from ts26927.flows.table import Flow

from .applicability import ApplicabilityError, applies
from .builders import build
from .case import CaseStep, Check, Performer, Reaction, TestCase
from .checks import CheckFailed, run_check
from .context import CaseContext, CaseDataError, CaseInconclusive, IutDataFault, Record
from .guard import CallCrashed, CallTimeout, guarded
from .ixit import IxitError, resolve
from .preamble import with_fixture_digests
from .refusals import in_band
from .verdict import CaseResult, Verdict

#: A run that goes on by reactions stops the IUT after this many steps of its own.
MAX_IUT_STEPS = 2000


@dataclass(frozen=True)
class RunParameters:
    """Run parameters, kept apart from the IUT's capabilities (ICS) and choices (IXIT)."""

    timeout_multiplier: float = 1.0

    def __post_init__(self) -> None:
        # A zero, negative or non-finite multiplier would give every step a timeout that
        # cannot be waited for.
        if not (math.isfinite(self.timeout_multiplier) and self.timeout_multiplier > 0):
            raise ValueError(
                f"timeout_multiplier must be a positive number, not {self.timeout_multiplier!r}"
            )


class _Stop(Exception):
    def __init__(self, verdict: Verdict, step: str | None, reason: str) -> None:
        self.verdict, self.step, self.reason = verdict, step, reason
        super().__init__(reason)


@dataclass
class _Run:
    case: TestCase
    iut: Implementation
    timeout_s: float
    ixit: dict[str, Any]
    flow: Flow = field(init=False)
    session: FlowSession = field(init=False)
    ctx: CaseContext = field(init=False)
    reactions: dict[str, Reaction] = field(init=False)
    queue: deque[Output] = field(default_factory=deque)
    log: list[str] = field(default_factory=list)
    performed: int = 0

    def __post_init__(self) -> None:
        self.flow = get_flow(self.case.flow)
        self.session = FlowSession(self.flow)
        self.ctx = CaseContext(
            self.case.id,
            self.case.role.value,
            self.case.preamble.params,
            flow=self.case.flow,
            fixtures=self.case.fixtures,
            ixit=self.ixit,
        )
        self.reactions = {r.step: r for r in self.case.reactions}

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

    def poll(self, step: str | None) -> None:
        self.take(self.call("poll", step, self.iut.poll), step)

    # -- the test system's steps -----------------------------------------------------------
    def ts_step(self, entry: CaseStep) -> None:
        step = self.flow.step(entry.step)
        if step is None:
            raise _Stop(Verdict.ERROR, entry.step, "the case names a step the flow lacks")
        message, attachments = self.message_of(entry)
        to_iut = step.delivered_to(self.case.role)
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
        if not to_iut:
            self.log.append(
                f"TS performed step {entry.step} (between the test system's own functions: "
                "recorded, not delivered)"
            )
            return
        self.log.append(f"TS performed step {entry.step} (delivered)")
        reply = self.call(
            f"step {entry.step}",
            entry.step,
            lambda: self.iut.deliver(entry.step, message, attachments),
        )
        self.take(reply, entry.step)

    def message_of(self, entry: CaseStep) -> tuple[Any, dict[str, bytes]]:
        if entry.builder is not None:
            return build(entry.builder, self.ctx)
        return self.ctx.resolve(entry.message), {}

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
        if isinstance(reply, Refusal):
            self.log.append(f"IUT refused step {entry.step}: {reply.reason}")
            return
        negative = in_band(self.case.flow, entry.step)
        answers = [o for o in reply if negative is not None and o.step == negative.answer]
        last = answers[-1] if answers else None
        if negative and last and last is reply[-1] and negative.matches(last.message):
            self.log.append(
                f"IUT refused step {entry.step} in band: step {negative.answer} with "
                f"{negative.pointer.lstrip('/')} {negative.value}"
            )
            return
        raise _Stop(
            Verdict.FAIL,
            entry.step,
            "the IUT accepted a step it must refuse (out of order or malformed)",
        )

    # -- the IUT's steps -------------------------------------------------------------------
    def iut_step(self, entry: CaseStep) -> None:
        """Wait for ``entry``'s step; steps with a reaction may come first."""
        while True:
            if not self.queue:
                self.poll(entry.step)
            if self.queue and self.queue[0].step == entry.step:
                self.consume(entry.checks)
                return
            if self.queue and self.queue[0].step in self.reactions:
                self.consume([])
                continue
            if entry.optional:
                return
            performed = self.queue[0].step if self.queue else "nothing"
            raise _Stop(
                Verdict.FAIL,
                entry.step,
                f"expected the IUT to perform step {entry.step}; it performed {performed}",
            )

    def consume(self, checks: list[Check]) -> None:
        """Take the IUT's next step: legal, valid, checked; then its reaction, if any."""
        output = self.queue.popleft()
        self.performed += 1
        if self.performed > MAX_IUT_STEPS:
            raise _Stop(
                Verdict.FAIL, output.step, f"the IUT went on for over {MAX_IUT_STEPS} steps"
            )
        step = self.flow.step(output.step)
        if step is None:
            raise _Stop(
                Verdict.FAIL, output.step, f"step {output.step!r} is not a step of {self.flow.id}"
            )
        if not step.performed_by(self.case.role):
            raise _Stop(Verdict.FAIL, output.step, "the IUT performed a step of the other side")
        try:
            self.session.accept(output.step, output.message)
        except ProtocolError as error:
            raise _Stop(Verdict.FAIL, output.step, str(error)) from None
        record = Record(output.step, "IUT", output.message, dict(output.attachments))
        self.ctx.records.append(record)
        self.log.append(f"IUT performed step {output.step}")
        reaction = self.reactions.get(output.step)
        for item in [*checks, *(reaction.checks if reaction else [])]:
            self.check(item, record)
        for answer in reaction.then if reaction else []:
            self.ts_step(answer)

    def check(self, item: Check, record: Record) -> None:
        try:
            run_check(item.check, self.ctx, record, item.args)
        except CheckFailed as error:
            raise _Stop(Verdict.FAIL, record.step, f"{item.check}: {error}") from None

    def drain(self) -> None:
        """After the script: go on by reactions until the IUT has nothing more to do."""
        while True:
            if not self.queue:
                self.poll(None)
            if not self.queue:
                return
            self.consume([])

    def expect_quiet(self) -> None:
        if not self.queue:
            self.poll(None)
        if self.queue:
            raise _Stop(
                Verdict.FAIL,
                self.queue[0].step,
                f"the IUT performed step {self.queue[0].step}, which it must not",
            )

    def final(self) -> None:
        last = self.ctx.records[-1] if self.ctx.records else Record("", "TS", None, {})
        for item in self.case.final:
            self.check(item, last)


def run_case(
    case: TestCase,
    iut: Implementation,
    info: ImplementationInfo,
    params: RunParameters | None = None,
) -> CaseResult:
    """Replay ``case`` against ``iut``; never raises for anything the IUT does."""
    params = params or RunParameters()
    start = time.perf_counter()
    notes: list[str] = []

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
            notes=notes,
        )

    try:
        if not applies(case.applicability, info.capabilities):
            return result(
                Verdict.NOT_APPLICABLE,
                None,
                "the implementation does not declare what the case needs",
                [],
            )
        ixit = resolve(info.ixit)
    except ApplicabilityError as error:
        return result(Verdict.ERROR, None, f"case data: {error}", [])
    except IxitError as error:
        return result(Verdict.ERROR, None, f"the implementation's declaration: {error}", [])
    run = _Run(case, iut, case.timeout_s * params.timeout_multiplier, ixit)
    notes = run.ctx.notes
    try:
        state = {
            "state": case.preamble.state,
            "params": with_fixture_digests(case.preamble.params),
        }
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
        if case.reactions:
            run.drain()
        if case.ends_quiet:
            run.expect_quiet()
        run.final()
        verdict = result(Verdict.PASS, None, "every step and check passed", run.log)
    except _Stop as stop:
        verdict = result(stop.verdict, stop.step, stop.reason, run.log)
    except IutDataFault as fault:
        verdict = result(Verdict.FAIL, fault.step or None, fault.reason, run.log)
    except CaseInconclusive as why:
        verdict = result(Verdict.INCONCLUSIVE, None, str(why), run.log)
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


__all__ = ["MAX_IUT_STEPS", "RunParameters", "run_case"]
