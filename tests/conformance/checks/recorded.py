"""What the checks saw when a case ran against the reference: the context and the record
of each check call, replayable one check at a time with the record (or the context)
altered. Built by the runner itself, so the records are the ones a real run produces."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from unittest import mock

from ts26927.bindings.base import Implementation
from ts26927.bindings.reference import ReferenceImplementation
from ts26927.conformance import runner
from ts26927.conformance.checks import run_check
from ts26927.conformance.context import CaseContext, Record
from ts26927.conformance.suite import load_suite
from ts26927.conformance.verdict import Verdict
from ts26927.engine.split.service import digits_service

#: A busy machine must not turn a slow reference into a timeout.
_PATIENT = runner.RunParameters(timeout_multiplier=10.0)


@dataclass(frozen=True)
class Seen:
    """One check call of a reference run: the check, its arguments and the records so far
    (the checked record last)."""

    check: str
    args: dict[str, Any]
    ctx: CaseContext
    count: int

    @property
    def step(self) -> str:
        return self.ctx.records[self.count - 1].step

    def fresh(
        self,
        *,
        fixtures: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        ixit: Mapping[str, Any] | None = None,
    ) -> tuple[CaseContext, Record]:
        """A copy of the context as the check saw it (nothing cached, no notes), which a
        test may alter freely, and the record checked."""
        records = copy.deepcopy(self.ctx.records[: self.count])
        ctx = CaseContext(
            self.ctx.case_id,
            self.ctx.role,
            {**self.ctx.params, **(params or {})},
            flow=self.ctx.flow,
            fixtures={**self.ctx.fixtures, **(fixtures or {})},
            ixit={**self.ctx.ixit, **(ixit or {})},
            records=records,
        )
        return ctx, records[-1]

    def run(self, ctx: CaseContext, record: Record | None = None) -> None:
        run_check(self.check, ctx, record or ctx.records[-1], self.args)


@dataclass
class _Capture:
    calls: list[tuple[str, dict[str, Any], CaseContext, int]] = field(default_factory=list)

    def __call__(self, name: str, ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
        self.calls.append((name, copy.deepcopy(args), ctx, len(ctx.records)))
        run_check(name, ctx, record, args)


@cache
def _cases() -> dict[str, Any]:
    return {case.id: case for case in load_suite()}


def _run(case_id: str, iut: Implementation) -> list[Seen]:
    digits_service()  # built once, outside any timed call
    capture = _Capture()
    with mock.patch.object(runner, "run_check", capture):
        result = runner.run_case(_cases()[case_id], iut, iut.describe(), _PATIENT)
    assert result.verdict is Verdict.PASS, (case_id, result.step, result.reason)
    return [Seen(name, args, ctx, count) for name, args, ctx, count in capture.calls]


@cache
def reference_run(case_id: str) -> tuple[Seen, ...]:
    """Every check call of ``case_id`` run against the reference (once per process)."""
    return tuple(_run(case_id, ReferenceImplementation()))


def seen(case_id: str, check: str, step: str | None = None, nth: int = 0) -> Seen:
    """The ``nth`` call of ``check`` (at ``step``) in the reference's run of ``case_id``."""
    calls = [s for s in reference_run(case_id) if s.check == check and step in (None, s.step)]
    if len(calls) <= nth:
        raise LookupError(f"{case_id}: no call {nth} of {check} at step {step}")
    return calls[nth]
