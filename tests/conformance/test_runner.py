"""Verdicts: the reference passes; broken implementations get fail, timeout or error at the
right step; inapplicable cases and broken preambles are reported as such."""

from __future__ import annotations

import time

import pytest

from ts26927.bindings.base import ImplementationInfo, Output, Refusal
from ts26927.bindings.reference import ReferenceImplementation
from ts26927.conformance.runner import RunParameters, run_case
from ts26927.conformance.selftest import summarize
from ts26927.conformance.suite import load_suite
from ts26927.conformance.verdict import Verdict

CASES = {c.id: c for c in load_suite()}
FAST = RunParameters(timeout_multiplier=0.05)


def test_the_reference_passes_every_case() -> None:
    reference = ReferenceImplementation()
    for case in CASES.values():
        result = run_case(case, reference, reference.describe())
        assert result.verdict is Verdict.PASS, (case.id, result.step, result.reason)


def test_selftest_catches_every_mutant_at_its_step(selftest_results) -> None:
    bad = [r for r in selftest_results if not r.as_expected]
    assert not bad, bad
    mutants = [r for r in selftest_results if r.kind == "mutant"]
    assert len(mutants) >= 83 and {r.verdict for r in mutants} == {"fail", "timeout", "error"}
    assert all(r.step is not None for r in mutants)


def test_selftest_passes_every_legal_variant_on_its_workflows(selftest_results) -> None:
    variants = [r for r in selftest_results if r.kind == "variant"]
    names = {r.name for r in variants}
    assert len(names) >= 9
    assert all(r.verdict in ("pass", "not applicable") for r in variants)
    # each variant ran on at least one case it applies to, and passed it
    assert all(any(r.name == n and r.verdict == "pass" for r in variants) for n in names)


def test_the_summary_counts_implementations_both_ways(selftest_results) -> None:
    summary = summarize(selftest_results)
    assert summary.mutants == summary.mutants_caught >= 89
    assert summary.variants == summary.variants_passed >= 10
    assert summary.variant_runs > summary.variants


def test_the_summary_counts_each_side_the_implementations_played(selftest_results) -> None:
    summary = summarize(selftest_results)
    sides = summary.by_role
    assert sides is not None and set(sides) == {"UE", "NETWORK"}
    assert sum(s.mutants for s in sides.values()) == summary.mutants
    assert sum(s.variant_runs for s in sides.values()) == summary.variant_runs
    for side in sides.values():  # the reference and at least one variant of its own
        assert side.mutants == side.mutants_caught > 0
        assert side.variants == side.variants_passed >= 2


class _Scripted:
    """A minimal IUT whose every answer is scripted by the test."""

    def __init__(
        self, *, capabilities=frozenset({"MODEL_DELIVERY_NETWORK"}), setup=None, deliver=None
    ) -> None:
        self.capabilities = capabilities
        self._setup = setup
        self._deliver = deliver or (lambda step, message: [])

    def describe(self) -> ImplementationInfo:
        return ImplementationInfo("scripted", "0", capabilities=self.capabilities)

    def setup(self, case_id, flow, role, state) -> None:
        if self._setup:
            self._setup()

    def begin(self):
        return []

    def deliver(self, step, message, attachments):
        return self._deliver(step, message)

    def poll(self):
        return []

    def teardown(self) -> None:
        pass

    def stop(self) -> None:
        pass


def _run(iut, case_id: str = "5.2.2.2.1-model-delivery-001"):
    return run_case(CASES[case_id], iut, iut.describe(), FAST)


def test_not_applicable_when_the_capability_is_not_declared() -> None:
    result = _run(_Scripted(capabilities=frozenset()))
    assert result.verdict is Verdict.NOT_APPLICABLE and result.step is None


def test_a_failed_preamble_is_inconclusive_not_a_fail() -> None:
    def broken() -> None:
        raise RuntimeError("repository unavailable")

    result = _run(_Scripted(setup=broken))
    assert result.verdict is Verdict.INCONCLUSIVE and "preamble failed" in result.reason


def test_silence_is_a_fail_at_the_expected_step() -> None:
    result = _run(_Scripted())
    assert result.verdict is Verdict.FAIL and result.step == "2"


def test_a_step_of_the_wrong_kind_or_content_fails() -> None:
    wrong = _Scripted(deliver=lambda step, m: [Output("2", {"modelIdentifier": ""})])
    result = _run(wrong)
    assert result.verdict is Verdict.FAIL and result.step == "2"
    assert "invalid ModelSelection" in result.reason


def test_a_refused_legal_step_fails() -> None:
    result = _run(_Scripted(deliver=lambda step, m: Refusal("busy")))
    assert result.verdict is Verdict.FAIL and "refused a legal step: busy" in result.reason


def test_a_hanging_implementation_times_out_without_hanging_the_runner() -> None:
    def hang(step, message):
        time.sleep(60)

    start = time.perf_counter()
    result = _run(_Scripted(deliver=hang))
    assert result.verdict is Verdict.TIMEOUT and result.step == "1"
    assert time.perf_counter() - start < 10


def test_an_adapter_answering_garbage_is_an_error() -> None:
    result = _run(_Scripted(deliver=lambda step, m: "not a reply"))
    assert result.verdict is Verdict.ERROR and "answered str" in result.reason


@pytest.mark.parametrize("verdict", list(Verdict))
def test_verdicts_are_ordered(verdict: Verdict) -> None:
    assert Verdict.PASS.severity < Verdict.INCONCLUSIVE.severity < Verdict.FAIL.severity
    assert verdict.severity >= Verdict.NOT_APPLICABLE.severity


def test_a_run_against_a_mutant_does_not_succeed() -> None:
    from ts26927.conformance.network_side import MUTANTS
    from ts26927.conformance.report import succeeded

    spec = next(m for m in MUTANTS if m.name == "wrong-output")
    mutant = spec.make()
    results = [run_case(c, mutant, mutant.describe(), FAST) for c in CASES.values()]
    assert not succeeded(results)
    reference = ReferenceImplementation()
    assert succeeded([run_case(c, reference, reference.describe()) for c in CASES.values()])


@pytest.mark.parametrize("multiplier", [0.0, -1.0, float("nan"), float("inf")])
def test_a_timeout_multiplier_that_cannot_be_waited_for_is_refused(multiplier: float) -> None:
    with pytest.raises(ValueError, match="timeout_multiplier must be a positive number"):
        RunParameters(timeout_multiplier=multiplier)
