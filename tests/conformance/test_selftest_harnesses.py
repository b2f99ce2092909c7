"""Broken harness programs: each gets its error or timeout verdict, at its step, quickly,
and leaves no process behind; a harness without the defect is not counted as caught."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from ts26927.conformance.broken_harnesses import BROKEN_HARNESSES, BrokenHarness
from ts26927.conformance.selftest import broken_harness_result, selftest
from ts26927.conformance.suite import load_suite

ROOT = Path(__file__).parent.parent.parent
CASES = {c.id: c for c in load_suite()}
SCRIPTED = ROOT / "tests" / "bindings" / "scripted_harness.py"


def _running_scripts(script: str) -> list[int]:
    """Children of this process (not zombies) whose command line names ``script``; others
    may run the same script at the same time."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:
            continue
        if script.encode() in cmdline and state != "Z" and int(parent) == os.getpid():
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("spec", BROKEN_HARNESSES, ids=lambda s: s.name)
def test_each_broken_harness_gets_its_verdict_at_its_step(spec: BrokenHarness) -> None:
    begun = time.monotonic()
    result = broken_harness_result(spec, CASES[spec.case])
    assert (result.verdict, result.step, result.as_expected) == (spec.caught_by, spec.step, True), (
        result.reason
    )
    assert time.monotonic() - begun < 10.0  # a hang would take an hour
    assert "harness" in result.reason or result.verdict == "timeout"
    assert _running_scripts(str(Path(spec.argv()[1]))) == []


def test_the_broken_harnesses_cover_the_issue_s_defects() -> None:
    names = {s.name for s in BROKEN_HARNESSES}
    required = {"hangs", "crashes", "non-json", "wrong-seq", "wrong-version"}
    assert {f"harness-{n}" for n in required} <= names
    assert all(s.caught_by in ("error", "timeout") for s in BROKEN_HARNESSES)


def test_a_harness_without_the_defect_is_not_caught() -> None:
    # The scripted test harness answers every step, only not as the TR wants: a fail.
    working = replace(BROKEN_HARNESSES[0], name="working", script=str(SCRIPTED))
    result = broken_harness_result(working, CASES[working.case])
    assert result.verdict == "fail" and not result.as_expected


def test_a_missing_case_is_reported_not_skipped() -> None:
    result = broken_harness_result(BROKEN_HARNESSES[0], None)
    assert result.verdict == "missing" and not result.as_expected


def test_the_selftest_runs_the_broken_harnesses(monkeypatch) -> None:
    quick = tuple(s for s in BROKEN_HARNESSES if s.caught_by != "timeout")  # timed above
    monkeypatch.setattr("ts26927.conformance.selftest.BROKEN_HARNESSES", quick)
    results = selftest([CASES["5.2.2.2.1-model-delivery-001"]])
    harnesses = [r for r in results if r.name.startswith("harness-")]
    assert [r.name for r in harnesses] == [s.name for s in quick]
    assert all(r.as_expected for r in harnesses), [r for r in harnesses if not r.as_expected]
