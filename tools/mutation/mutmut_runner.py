"""mutmut, run once per group of modules that share their tests, in a workspace of its own.

mutmut 3 reads its settings only from ``[tool.mutmut]`` in the current folder's pyproject.toml
and has one test selection per run, so each run gets a copy of the project whose section
names just that group's modules (``only_mutate``) and tests
(``pytest_add_cli_args_test_selection``). Within a run mutmut still narrows each mutant to the
tests that execute its function.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import sys
import tomllib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .ast_mutator import one_line, skipped_by_mutmut
from .modules import Module
from .report import Interrupted, Result
from .selftest import SelftestOracle, cases_for
from .workspace import NO_CACHE, Outcome, Workspace, kill_all

DUMP = Path(__file__).with_name("mutmut_dump.py")
SEPARATOR = "ǁ"  # mutmut's mangling of Class.method: xǁClassǁmethod
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def configure(pyproject: Path, modules: Sequence[Module], tests: Sequence[str]) -> None:
    """Point the copy's ``[tool.mutmut]`` at these modules and tests, keeping the rest."""
    text = pyproject.read_text(encoding="utf-8")
    settings = dict(tomllib.loads(text).get("tool", {}).get("mutmut", {}))
    settings.setdefault("source_paths", ["ts26927"])
    settings["only_mutate"] = [m.path for m in modules]
    settings["pytest_add_cli_args_test_selection"] = list(tests)
    settings.pop("tests_dir", None)
    section = "[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
    # Drop the old section (up to the next table header) and append the new one.
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[)", "", text + "\n[end]\n")
    text = text.removesuffix("\n[end]\n")
    pyproject.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")


def mutmut_executable() -> Path:
    return Path(sys.executable).with_name("mutmut")


def run_mutmut(
    base: Workspace,
    modules: Sequence[Module],
    *,
    jobs: int,
    limit: int | None,
    oracle: SelftestOracle,
    log: Callable[[str], None],
) -> tuple[list[Result], list[str]]:
    """Run mutmut over ``modules`` (which share their tests); their results and errors."""
    tests = modules[0].tests
    # A module of decorated functions only (checks.adaptive) has nothing for mutmut.
    modules = [m for m in modules if _mutmut_functions(ast.parse(base.original(m.path)).body)]
    if not modules:
        return [], []
    names = ", ".join(m.name for m in modules)
    if not mutmut_executable().exists():
        return [], [f"mutmut ({names}): mutmut is not installed (`make mutation` installs it)"]
    with base.clone() as ws:
        configure(ws.path / "pyproject.toml", modules, tests)
        wanted = limited_names(ws, modules, limit) if limit else []
        log(f"mutmut: {names} against {' '.join(tests)}")
        command = [str(mutmut_executable()), "run", "--max-children", str(jobs), *wanted]
        # Subprocesses that tests start import the mutated copy too. The folder must exist
        # before Python starts: a path entry missing then is skipped for the whole process.
        (ws.path / "mutants").mkdir()
        env = ws.environment(NO_CACHE, python_path=ws.path / "mutants")
        outcome = ws.run(command, timeout=None, env=env)
        # mutmut stops (status 1) when no selected test runs any mutated function.
        untested = "could not find any test case for any mutant" in outcome.text
        if outcome.returncode != 0 and not untested:
            return [], [f"mutmut ({names}) failed:\n{_tail(outcome.text)}"]
        log(f"mutmut: {names} done in {outcome.seconds:.0f} s")
        dump = ws.run([sys.executable, str(DUMP)], timeout=600)
        if dump.returncode != 0:
            return [], [f"mutmut ({names}): reading results failed:\n{_tail(dump.text)}"]
        by_path = {m.path: m for m in modules}
        rows = json.loads(dump.output)
        if wanted:  # a smoke run: the mutants not asked for are not results
            rows = [row for row in rows if row["key"] in set(wanted)]
        if untested:
            rows = [{**row, "status": "no tests"} for row in rows]
        results = [_result(row, by_path[row["path"]], ws) for row in rows]
        return _selftest_survivors(ws, results, by_path, jobs, oracle, log), []


def limited_names(ws: Workspace, modules: Sequence[Module], limit: int) -> list[str]:
    """Up to ``limit`` mutant names per module, spread over its functions (round robin).

    mutmut numbers each function's mutants from 1; a name past a function's last mutant is
    simply not run, so a module may run fewer than ``limit``."""
    names: list[str] = []
    for module in modules:
        dotted = module.path.removesuffix(".py").replace("/", ".")
        functions = _mutmut_functions(ast.parse(ws.original(module.path)).body)
        if not functions:
            continue
        for index in range(limit):
            function = functions[index % len(functions)]
            names.append(f"{dotted}.{function}__mutmut_{index // len(functions) + 1}")
    return names


def _mutmut_functions(body: list[ast.stmt], cls: str | None = None) -> list[str]:
    """The mangled names of the functions mutmut mutates (it skips decorated ones)."""
    found = []
    for node in body:
        if isinstance(node, ast.ClassDef) and cls is None:
            found += _mutmut_functions(node.body, node.name)
        elif isinstance(node, FUNCTIONS) and not skipped_by_mutmut(node):
            found.append(f"x{SEPARATOR}{cls}{SEPARATOR}{node.name}" if cls else f"x_{node.name}")
    return found


def _result(row: dict[str, str], module: Module, ws: Workspace) -> Result:
    line, original, mutated = locate(row["diff"], ws.original(module.path), row["key"])
    return Result(
        module=module.name,
        engine="mutmut",
        path=module.path,
        line=line,
        operator="mutmut",
        original=original,
        mutated=mutated,
        status=row["status"],
        key=row["key"],
    )


def locate(diff: str, source: str, key: str) -> tuple[int, str, str]:
    """The file line of a mutmut diff's first change, and the changed text before and after.

    mutmut diffs the function alone (from the comments above it, stripped); the hunk's line
    number is counted from there."""
    if not diff:
        return 0, "", ""
    lines = diff.splitlines()
    removed = added = None
    index = 0
    for text in lines[2:]:
        if text.startswith("@@"):
            index = int(re.match(r"@@ -(\d+)", text).group(1))  # type: ignore[union-attr]
        elif text.startswith("-") and removed is None:
            removed = (index, text[1:])
            index += 1
        elif text.startswith("+"):
            added = added if added is not None else text[1:]
        elif removed is None:
            index += 1
    if removed is None:
        return 0, "", one_line(added or "")
    start = _function_start(source, key)
    file_lines = source.splitlines()
    line = start + removed[0] - 1
    if not (0 < line <= len(file_lines) and file_lines[line - 1].strip() == removed[1].strip()):
        # Fall back to the nearest line with the same text.
        same = [n for n, t in enumerate(file_lines, 1) if t.strip() == removed[1].strip()]
        line = min(same, key=lambda n: abs(n - line)) if same else line
    before, after = _difference(removed[1].strip(), (added or "").strip())
    return line, before, after


def _function_name(key: str) -> str:
    """The plain name of a mutmut key's function (a method's name without its class)."""
    mangled = key.partition("__mutmut_")[0].rpartition(".")[2]
    return mangled.rpartition(SEPARATOR)[2] if SEPARATOR in mangled else mangled[2:]


def _function_start(source: str, key: str) -> int:
    """The first line of the function's text as mutmut shows it: its leading comments."""
    mangled = key.partition("__mutmut_")[0].rpartition(".")[2]
    cls, name = None, mangled.removeprefix("x_")
    if mangled.startswith(f"x{SEPARATOR}"):
        _, cls, name = mangled.split(SEPARATOR)
    tree = ast.parse(source)
    scope: list[ast.stmt] = tree.body
    if cls is not None:
        classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls]
        scope = classes[0].body if classes else []
    for node in scope:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines = source.splitlines()
            # libcst gives a statement the blank and comment lines above it; mutmut strips
            # the blank ones at the start.
            while first > 1 and (
                not lines[first - 2].strip() or lines[first - 2].lstrip().startswith("#")
            ):
                first -= 1
            while first < node.lineno and not lines[first - 1].strip():
                first += 1
            return first
    return 1


def _difference(before: str, after: str, context: int = 20) -> tuple[str, str]:
    """The two lines, or only the part that differs (with some context) when they are long."""
    if max(len(before), len(after)) <= 70:
        return before, after
    prefix = _common_prefix(before, after)
    suffix = _common_prefix(before[prefix:][::-1], after[prefix:][::-1])
    start = max(0, prefix - context)

    def cut(text: str) -> str:
        end = min(len(text), len(text) - suffix + context)
        return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")

    return one_line(cut(before)), one_line(cut(after))


def _common_prefix(a: str, b: str) -> int:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return size


def _selftest_survivors(
    ws: Workspace,
    results: list[Result],
    by_path: dict[str, Module],
    jobs: int,
    oracle: SelftestOracle,
    log: Callable[[str], None],
) -> list[Result]:
    """Survivors of the check modules meet the conformance self-test; one it fails is killed."""
    candidates = [r for r in results if r.survived and by_path[r.path].selftest]
    if not candidates or not oracle.enabled:
        return results
    mutants = ws.path / "mutants"

    def selftest(key: str, cases: Path | None = None) -> Outcome:
        # mutmut's trampolines pick the active mutant from MUTANT_UNDER_TEST.
        env = ws.environment({"MUTANT_UNDER_TEST": key, **NO_CACHE}, python_path=mutants)
        return ws.selftest(timeout=oracle.timeout, cases=cases, cwd=mutants, env=env)

    if not oracle.ready(lambda: selftest("")):
        return results
    # Which cases can notice each mutant: read from the copy's unmutated sources.
    plan = {r: cases_for(ws.path, r.path, _function_name(r.key)) for r in candidates}
    judged = [r for r in candidates if plan[r][0]]
    unreached = len(candidates) - len(judged)
    log(f"selftest: {len(judged)} mutmut survivors to judge ({unreached} run by no check)")

    def catches(result: Result) -> bool:
        hit = oracle.catches(selftest(result.key, plan[result][1]))
        log(f"selftest {'caught' if hit else 'missed'}: {result.describe()}")
        return hit

    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        caught = dict(zip(judged, pool.map(catches, judged), strict=True))
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        kill_all()
        raise Interrupted(results) from None
    finally:
        pool.shutdown(wait=False)
    return [dataclasses.replace(r, status="selftest") if caught.get(r) else r for r in results]


def _tail(output: str, size: int = 3000) -> str:
    # mutmut redraws its progress line with carriage returns: keep the last state of each.
    lines = [line.rsplit("\r", 1)[-1] for line in output.splitlines()]
    return "\n".join(lines)[-size:]
