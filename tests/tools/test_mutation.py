"""The mutation-testing tools: the AST mutator's operators, its targets, and its copies."""

from __future__ import annotations

import ast
import json
import textwrap
import tomllib
from pathlib import Path

import pytest

from tools.mutation.ast_mutator import Mutant, apply, find_mutants
from tools.mutation.modules import MODULES, select
from tools.mutation.mutmut_runner import configure, locate
from tools.mutation.report import Result, found_again, scores, survivors_of, write_json
from tools.mutation.selftest import SelftestOracle, cases_for
from tools.mutation.workspace import Outcome, Workspace

SOURCE = textwrap.dedent(
    '''\
    from registry import check


    @check("judge")
    def judge(ctx, x, items):
        """Docstrings are left alone."""
        if x < 1 and x in items:  # a comment that must survive
            raise ValueError("no")
        ctx.note(x)
        return x == 2.5


    def plain(x):
        return x > 0
    '''
)


def mutated_lines(source: str, mutant: Mutant) -> set[str]:
    """The lines the mutant changed, stripped."""
    before = source.splitlines()
    return {line.strip() for line in apply(source, mutant).splitlines() if line not in before}


def by_operator(source: str, operator: str, scope: str = "decorated") -> list[set[str]]:
    return [
        mutated_lines(source, m)
        for m in find_mutants(source, "m.py", scope)
        if m.operator == operator
    ]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("raise→pass", [{"pass"}]),
        ("negate-if", [{"if not (x < 1 and x in items):  # a comment that must survive"}]),
        ("and↔or", [{"if x < 1 or x in items:  # a comment that must survive"}]),
        (
            "compare",
            [
                {"if x <= 1 and x in items:  # a comment that must survive"},
                {"if x < 1 and x not in items:  # a comment that must survive"},
                {"return x != 2.5"},
            ],
        ),
        (
            "number",
            [{"if x < 2 and x in items:  # a comment that must survive"}, {"return x == 25.0"}],
        ),
        ("delete-call", [{"pass"}]),
        ("return-None", [{"return None"}]),
    ],
)
def test_each_operator_makes_the_expected_change(operator: str, expected: list[set[str]]) -> None:
    assert by_operator(SOURCE, operator) == expected


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a < b", "a <= b"),
        ("a <= b", "a < b"),
        ("a > b", "a >= b"),
        ("a >= b", "a > b"),
        ("a == b", "a != b"),
        ("a != b", "a == b"),
        ("a in b", "a not in b"),
        ("a not  in b", "a in b"),
        ("a is None", "a is not None"),
        ("(a) >(b)", "(a) >=(b)"),
    ],
)
def test_comparisons_swap(before: str, after: str) -> None:
    source = f"@property\ndef f(a, b):\n    return {before}\n"
    assert by_operator(source, "compare") == [{f"return {after}"}]


def test_numbers_and_bool_ops() -> None:
    source = "@cache\ndef f(a, b):\n    return (a or b or 0.0, 0, 7, True)\n"
    assert by_operator(source, "number") == [
        {"return (a or b or 1.0, 0, 7, True)"},
        {"return (a or b or 0.0, 1, 7, True)"},
        {"return (a or b or 0.0, 0, 8, True)"},
    ]
    assert by_operator(source, "and↔or") == [{"return (a and b and 0.0, 0, 7, True)"}]


def test_only_the_bodies_of_functions_mutmut_skips_by_default() -> None:
    decorated = {m.function for m in find_mutants(SOURCE, "m.py")}
    everything = {m.function for m in find_mutants(SOURCE, "m.py", "all")}
    assert decorated == {"judge"}
    assert everything == {"judge", "plain"}
    # A lone @staticmethod or @classmethod is mutmut's to mutate.
    source = "class C:\n    @staticmethod\n    def f(a):\n        return a\n"
    assert find_mutants(source, "m.py") == []


def test_every_mutant_parses_and_keeps_the_line_numbers() -> None:
    mutants = find_mutants(SOURCE, "m.py")
    assert len(mutants) == 10
    for mutant in mutants:
        mutated = apply(SOURCE, mutant)
        ast.parse(mutated)
        assert len(mutated.splitlines()) == len(SOURCE.splitlines())
        assert "# a comment that must survive" in mutated
    raise_mutant = next(m for m in mutants if m.operator == "raise→pass")
    assert (raise_mutant.line, raise_mutant.original) == (8, 'raise ValueError("no")')
    assert raise_mutant.describe() == 'm.py:8  raise→pass  raise ValueError("no") → pass'


def test_a_multiline_statement_is_replaced_whole() -> None:
    source = '@check("x")\ndef f(ctx):\n    raise Failed(\n        "long"\n    )\n    return 1\n'
    (mutant,) = [m for m in find_mutants(source, "m.py") if m.operator == "raise→pass"]
    assert apply(source, mutant) == '@check("x")\ndef f(ctx):\n    pass\n    return 1\n'


def test_mutants_are_applied_in_a_copy(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    original = tmp_path / "pkg" / "m.py"
    original.write_text(SOURCE)
    (mutant, *_) = find_mutants(SOURCE, "pkg/m.py")
    with Workspace(tmp_path, ["pkg/m.py"]) as ws:
        assert ws.path != tmp_path
        ws.apply(mutant)
        assert (ws.path / "pkg/m.py").read_text() == apply(SOURCE, mutant) != SOURCE
        assert original.read_text() == SOURCE
        ws.restore("pkg/m.py")
        assert (ws.path / "pkg/m.py").read_text() == SOURCE
    assert not ws.path.exists()


def test_the_mutmut_section_is_narrowed_to_one_module(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[tool.mutmut]\nsource_paths = ["ts26927"]\nonly_mutate = ["a", "b"]\n'
        'also_copy = ["docs"]\n\n[tool.ruff]\nline-length = 100\n'
    )
    (screening,) = select(["screening"])
    configure(pyproject, [screening], screening.tests)
    settings = tomllib.loads(pyproject.read_text())["tool"]
    assert settings["mutmut"] == {
        "source_paths": ["ts26927"],
        "only_mutate": [screening.path],
        "also_copy": ["docs"],
        "pytest_add_cli_args_test_selection": list(screening.tests),
    }
    assert settings["ruff"] == {"line-length": 100}


def test_a_mutmut_diff_is_located_in_the_file() -> None:
    source = "import x\n\n\n# about f\ndef f(a):\n    b = 1\n    return a + b\n"
    diff = (
        "--- m.py\n+++ m.py\n@@ -2,3 +2,3 @@\n def f(a):\n     b = 1\n-    return a + b\n"
        "+    return a - b"
    )
    assert locate(diff, source, "m.x_f__mutmut_3") == (7, "return a + b", "return a - b")


def test_modules_are_chosen_by_name_group_or_path() -> None:
    assert [m.name for m in select(["adaptive"])] == ["checks.adaptive"]
    assert len(select(["checks"])) == 11
    assert select(["ts26927/engine/split/unit.py"])[0].name == "unit"
    assert select([]) == list(MODULES)
    with pytest.raises(ValueError, match="unknown module"):
        select(["nope"])


CHECKS_MODULE = textwrap.dedent(
    """\
    from .registry import check


    def helper(x):
        return x


    def unused(x):
        return x


    def shared(x):
        return x


    @check("uses-helper")
    def _uses(ctx, record, args):
        helper(1)


    @check("other")
    def _other(ctx, record, args):
        shared(1)
    """
)


def test_a_survivor_meets_only_the_cases_that_can_notice_it(tmp_path: Path) -> None:
    checks = tmp_path / "ts26927/conformance/checks"
    cases = tmp_path / "ts26927/conformance/cases"
    checks.mkdir(parents=True)
    cases.mkdir()
    (checks / "a.py").write_text(CHECKS_MODULE)
    (tmp_path / "ts26927/elsewhere.py").write_text("from .conformance.checks.a import shared\n")
    for name, check in (("one", "uses-helper"), ("two", "other")):
        (cases / f"{name}.json").write_text(json.dumps({"steps": [{"checks": [{"check": check}]}]}))
    path = "ts26927/conformance/checks/a.py"

    judged, folder = cases_for(tmp_path, path, "helper")
    assert judged and folder is not None
    assert [p.name for p in folder.iterdir()] == ["one.json"]
    assert cases_for(tmp_path, path, "_other")[1].name != folder.name  # type: ignore[union-attr]
    assert cases_for(tmp_path, path, "shared") == (True, None)  # used outside: every case
    assert cases_for(tmp_path, path, "unused") == (False, None)  # no check runs it


@pytest.mark.parametrize(
    ("output", "timed_out", "caught"),
    [
        ({"results": [{"verdict": "pass", "asExpected": True}]}, False, False),
        ({"results": [{"verdict": "missing", "asExpected": False}]}, False, False),
        ({"results": [{"verdict": "pass", "asExpected": False}]}, False, True),
        ("Traceback (most recent call last):", False, True),
        ({"results": []}, True, True),
    ],
)
def test_the_selftest_catches_a_mutant_when_it_goes_wrong(
    output: object, timed_out: bool, caught: bool
) -> None:
    text = output if isinstance(output, str) else json.dumps(output)
    outcome = Outcome(returncode=1, timed_out=timed_out, seconds=1.0, output=text, errors="")
    assert SelftestOracle.catches(outcome) is caught


def test_survivors_of_an_earlier_report_are_found_again_after_edits(tmp_path: Path) -> None:
    twins = "".join(f"\n\n@check\ndef {name}(x):\n    return x + 1\n" for name in ("twin", "other"))
    source = SOURCE + twins
    mutants = find_mutants(source, "pkg/m.py")
    # The same text twice (x + 1 → x + 2 in twin and in other): only the survivor's counts.
    survived = [m for m in mutants if m.function == "other" and m.operator == "number"]
    killed = [m for m in mutants if m not in survived]
    assert len(survived) == 1 and any(
        (m.operator, m.original, m.mutated) == (survived[0].operator, survived[0].original,
                                                survived[0].mutated) for m in killed
    )  # fmt: skip
    rows = [
        Result("m", "ast", m.path, m.line, m.operator, m.original, m.mutated, status)
        for group, status in ((survived, "survived"), (killed, "killed"))
        for m in group
    ]
    report = tmp_path / "report.json"
    write_json(report, scores(["m"], rows), rows, [], 1.0)
    # Two lines added above every function: the survivor is still recognised, and only it.
    moved = find_mutants("import os\nimport sys\n" + source, "pkg/m.py")
    again = found_again(moved, survivors_of(report))
    assert [(m.function, m.line) for m in again] == [("other", survived[0].line + 2)]
