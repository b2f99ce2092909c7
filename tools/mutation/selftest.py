"""The conformance self-test as a second judge of surviving check mutants.

``ts26927 conformance selftest`` runs the suite against its catalogue of broken
implementations (each must be caught) and legal variants (each must pass), and exits non-zero
when either goes wrong. A mutated check that lets a broken implementation through, or fails a
legal one, is therefore caught even when the unit tests of the checks did not notice.

A mutant can only change the cases that call a check which runs the mutated function, so it
meets only those cases (``--cases`` with a folder of them): a minute saved per survivor. The
self-test then reports the broken implementations written for other cases as "missing"; those
are not the mutant's doing and are left out of the judgement.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .workspace import Outcome

CASES = "ts26927/conformance/cases"


class SelftestOracle:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.error: str | None = None
        self._lock = threading.Lock()
        self._baseline: Outcome | None = None

    def ready(self, baseline: Callable[[], Outcome]) -> bool:
        """Whether the whole self-test passes on the unmutated code (run once, the first
        time): without that, its failing on a mutant would prove nothing."""
        with self._lock:
            if self._baseline is None and self.enabled:
                self._baseline = baseline()
                if self.catches(self._baseline) or self._baseline.returncode != 0:
                    self.enabled = False
                    self.error = (
                        "the conformance self-test fails on the unmutated code, so it was not "
                        f"used to judge survivors:\n{self._baseline.text[-2000:]}"
                    )
            return self.enabled

    @property
    def timeout(self) -> float:
        """Four times the clean run, and at least five minutes (the machine may be busy)."""
        seconds = self._baseline.seconds if self._baseline else 300.0
        return max(300.0, 4 * seconds)

    @staticmethod
    def catches(outcome: Outcome) -> bool:
        """Whether the self-test went wrong: a broken implementation not caught, a legal one
        failed, or the self-test itself crashed or hung."""
        if outcome.timed_out:
            return True
        try:
            results = json.loads(outcome.output)["results"]
        except (ValueError, KeyError, TypeError):
            return True  # no report: it crashed
        return any(not r["asExpected"] for r in results if r["verdict"] != "missing")


def cases_for(root: Path, path: str, function: str) -> tuple[bool, Path | None]:
    """Whether the self-test can notice a mutant of ``function`` in ``path`` (under ``root``,
    an unmutated copy), and the folder of cases it should run (None: all of them)."""
    checks = checks_reaching(root, path, function)
    if checks is None:
        return True, None
    if not checks:
        return False, None
    key = hashlib.sha256("+".join(checks).encode()).hexdigest()[:12]
    cases = cases_calling(root, checks, root / ".mutation-cases" / key)
    return cases is not None, cases


@functools.cache
def checks_reaching(root: Path, path: str, function: str) -> tuple[str, ...] | None:
    """The registered names of the checks that run ``function`` of ``path``: itself if it is
    a ``@check``, and every check that calls it, directly or through other functions of the
    checks package. None when code outside the package names it too: then the whole
    self-test judges."""
    package = Path(path).parent
    for other in (root / "ts26927").rglob("*.py"):
        if other.parent != root / package and re.search(rf"\b{function}\b", other.read_text()):
            return None
    functions = {}  # name → (names it refers to, names it is registered under)
    for module in sorted((root / package).glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                refers = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                refers |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
                functions[node.name] = (refers, _registered(node))
    reached, frontier = {function}, {function}
    while frontier:
        frontier = {f for f, (refers, _) in functions.items() if refers & frontier} - reached
        reached |= frontier
    return tuple(sorted({n for f in reached for n in functions.get(f, (set(), ()))[1]}))


def _registered(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    return tuple(
        d.args[0].value
        for d in node.decorator_list
        if isinstance(d, ast.Call)
        and isinstance(d.func, ast.Name)
        and d.func.id == "check"
        and d.args
        and isinstance(d.args[0], ast.Constant)
    )


def cases_calling(root: Path, checks: Iterable[str], into: Path) -> Path | None:
    """A folder (``into``) of the suite's cases that call any of ``checks``; None if none do."""
    wanted = set(checks)
    if not into.is_dir():
        chosen = [
            p
            for p in sorted((root / CASES).glob("*.json"))
            if _calls(json.loads(p.read_text(encoding="utf-8")), wanted)
        ]
        if not chosen:
            return None
        into.mkdir(parents=True)
        for path in chosen:
            shutil.copy2(path, into / path.name)
    return into


def _calls(document: Any, checks: set[str]) -> bool:
    if isinstance(document, dict):
        if document.get("check") in checks:
            return True
        return any(_calls(v, checks) for v in document.values())
    if isinstance(document, list):
        return any(_calls(v, checks) for v in document)
    return False
