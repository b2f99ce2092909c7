"""Mutant results: the per-module table, the survivors, and the JSON report."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .ast_mutator import Mutant

# How a mutant ended. Killed: a test failed ("tests"), the tests ran past their time
# ("timeout"), the conformance self-test noticed ("selftest"), or mutmut's other kills.
KILLED = {"killed", "timeout", "selftest", "segfault", "caught by type check"}
# Survived: the tests passed, or no mapped test ran the mutated function at all.
SURVIVED = {"survived", "no tests", "suspicious"}
# Anything else (not checked, skipped, interrupted) is left out of the score.


@dataclass(frozen=True)
class Result:
    module: str
    engine: str  # "mutmut" or "ast"
    path: str
    line: int
    operator: str
    original: str
    mutated: str
    status: str
    key: str = ""  # mutmut's name for the mutant (`mutmut show KEY` in its workspace)

    @property
    def killed(self) -> bool:
        return self.status in KILLED

    @property
    def survived(self) -> bool:
        return self.status in SURVIVED

    def describe(self) -> str:
        note = "" if self.status == "survived" else f"  [{self.status}]"
        return f"{self.path}:{self.line}  {self.operator}  {self.original} → {self.mutated}{note}"


class Interrupted(Exception):
    """The run was interrupted; ``results`` are the mutants judged so far."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__("interrupted")
        self.results = results


@dataclass(frozen=True)
class Score:
    module: str
    mutants: int
    killed: int
    survived: int
    not_run: int
    selftest: int
    timeout: int

    @property
    def score(self) -> float | None:
        judged = self.killed + self.survived
        return 100.0 * self.killed / judged if judged else None


def scores(modules: Sequence[str], results: Iterable[Result]) -> list[Score]:
    results = list(results)
    table = []
    for module in modules:
        mine = [r for r in results if r.module == module]
        table.append(
            Score(
                module=module,
                mutants=len(mine),
                killed=sum(r.killed for r in mine),
                survived=sum(r.survived for r in mine),
                not_run=sum(not (r.killed or r.survived) for r in mine),
                selftest=sum(r.status == "selftest" for r in mine),
                timeout=sum(r.status == "timeout" for r in mine),
            )
        )
    return table


def render(table: Sequence[Score], results: Sequence[Result], errors: Sequence[str]) -> str:
    width = max([len("module"), *(len(s.module) for s in table)])
    lines = [
        f"{'module':<{width}}  mutants  killed  survived  score   (timeout, selftest, not run)",
    ]
    for s in table:
        score = "   -  " if s.score is None else f"{s.score:5.1f}%"
        lines.append(
            f"{s.module:<{width}}  {s.mutants:7d}  {s.killed:6d}  {s.survived:8d}  {score}"
            f"  ({s.timeout}, {s.selftest}, {s.not_run})"
        )
    survivors = sorted((r for r in results if r.survived), key=lambda r: (r.path, r.line))
    lines += ["", f"survivors ({len(survivors)}):"]
    lines += [f"  {r.describe()}" for r in survivors] or ["  none"]
    if errors:
        lines += ["", "errors:"] + [f"  {e}" for e in errors]
    return "\n".join(lines)


def write_json(
    path: Path,
    table: Sequence[Score],
    results: Sequence[Result],
    errors: Sequence[str],
    seconds: float,
) -> None:
    document = {
        "wallSeconds": round(seconds, 1),
        "modules": [{**asdict(s), "score": s.score} for s in table],
        "survivors": [r.describe() for r in results if r.survived],
        "mutants": [asdict(r) for r in results],
        "errors": list(errors),
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def survivors_of(path: Path) -> list[tuple[str, str, str, str, int]]:
    """The AST survivors of an earlier report: (path, operator, original, mutated, line)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return [
        (m["path"], m["operator"], m["original"], m["mutated"], m["line"])
        for m in document["mutants"]
        if m["engine"] == "ast" and m["status"] in SURVIVED
    ]


def found_again(
    mutants: Sequence[Mutant], survivors: Sequence[tuple[str, str, str, str, int]]
) -> list[Mutant]:
    """The mutants that are an earlier report's survivors: the same file, operator and text,
    and, among those, the nearest to the line it had (lines move when code above changes;
    several mutants may share a text, e.g. ``1 → 2``)."""
    chosen: set[int] = set()
    for path, operator, original, mutated, line in survivors:
        same = [
            i
            for i, m in enumerate(mutants)
            if (m.path, m.operator, m.original, m.mutated) == (path, operator, original, mutated)
        ]
        if same:
            nearest = min(abs(mutants[i].line - line) for i in same)
            chosen.update(i for i in same if abs(mutants[i].line - line) == nearest)
    return [m for i, m in enumerate(mutants) if i in chosen]
