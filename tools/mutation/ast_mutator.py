"""Source-level mutants of function bodies, for the functions mutmut leaves alone.

mutmut 3 does not mutate decorated functions (other than a lone ``@staticmethod`` or
``@classmethod``): its trampoline would be what the decorator sees. Every conformance check is
a ``@check("name")`` function, so this mutator covers them (and any property). Sites are found
with :mod:`ast`; a mutant is a set of text edits spliced into the original source, so comments,
layout and every other line number stay as they were.

Operators: ``raise→pass``, ``negate-if``, ``compare`` (``<``↔``<=``, ``>``↔``>=``, ``==``↔``!=``,
``in``↔``not in``, ``is``↔``is not``), ``number`` (int x → x+1, float x → x*10, 0.0 → 1.0),
``and↔or``, ``return-None`` and ``delete-call`` (an expression statement that is a call).
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Scope = Literal["decorated", "all"]
Edit = tuple[int, int, str]  # (start, end, replacement), character offsets into the source

# The comparison each operator becomes, and how to find its token between the operands.
_COMPARE_SWAP: dict[type[ast.cmpop], tuple[str, str]] = {
    ast.Lt: (r"<(?!=)", "<="),
    ast.LtE: (r"<=", "<"),
    ast.Gt: (r">(?!=)", ">="),
    ast.GtE: (r">=", ">"),
    ast.Eq: (r"==", "!="),
    ast.NotEq: (r"!=", "=="),
    ast.In: (r"\bin\b", "not in"),
    ast.NotIn: (r"\bnot\s+in\b", "in"),
    ast.Is: (r"\bis\b", "is not"),
    ast.IsNot: (r"\bis\s+not\b", "is"),
}
_PLAIN_DECORATORS = {"staticmethod", "classmethod"}


@dataclass(frozen=True)
class Mutant:
    """One mutation of one file: where, which operator, and the edits that make it."""

    path: str
    line: int
    function: str
    operator: str
    original: str
    mutated: str
    edits: tuple[Edit, ...]

    def describe(self) -> str:
        return f"{self.path}:{self.line}  {self.operator}  {self.original} → {self.mutated}"


def apply(source: str, mutant: Mutant) -> str:
    """The source with the mutant's edits applied (the edits never overlap)."""
    for start, end, text in sorted(mutant.edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def find_mutants(source: str, path: str, scope: Scope = "decorated") -> list[Mutant]:
    """Every mutant of the target functions' bodies that still parses and changes the code.

    ``scope="decorated"`` takes the functions mutmut skips; ``"all"`` takes every function."""
    tree = ast.parse(source)
    finder = _Finder(source, path)
    for function in _targets(tree.body, scope):
        finder.function = function.name
        for statement in function.body:
            finder.visit(statement)
    mutants = []
    for mutant in finder.mutants:
        mutated = apply(source, mutant)
        if mutated == source:
            continue
        try:
            ast.parse(mutated)
        except SyntaxError:
            continue
        mutants.append(mutant)
    return mutants


def _targets(
    body: list[ast.stmt], scope: Scope
) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions and methods (of classes at any depth) in scope; a function's
    nested functions are part of its body, not targets of their own."""
    for node in body:
        if isinstance(node, ast.ClassDef):
            yield from _targets(node.body, scope)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
            scope == "all" or skipped_by_mutmut(node)
        ):
            yield node


def skipped_by_mutmut(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether mutmut leaves the function alone: any decorator but a lone static/classmethod."""
    decorators = node.decorator_list
    if not decorators:
        return False
    only = decorators[0]
    return not (
        len(decorators) == 1 and isinstance(only, ast.Name) and only.id in _PLAIN_DECORATORS
    )


class _Finder(ast.NodeVisitor):
    def __init__(self, source: str, path: str) -> None:
        self.source = source
        self.path = path
        self.function = ""
        self.mutants: list[Mutant] = []
        # Character offset of each line's start; ast columns are UTF-8 byte offsets.
        self._lines = source.splitlines(keepends=True)
        self._starts = [0]
        for line in self._lines:
            self._starts.append(self._starts[-1] + len(line))

    # -- positions --------------------------------------------------------------------------

    def _offset(self, line: int, col: int) -> int:
        text = self._lines[line - 1].encode()[:col].decode(errors="replace")
        return self._starts[line - 1] + len(text)

    def _span(self, node: ast.AST) -> tuple[int, int]:
        start = self._offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self._offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def _add(self, operator: str, edits: list[Edit], shown: ast.AST) -> None:
        """Record a mutant; ``shown`` is the node whose text is reported before and after."""
        start, end = self._span(shown)
        before = self.source[start:end]
        after = before
        for edit_start, edit_end, text in sorted(edits, reverse=True):
            after = after[: edit_start - start] + text + after[edit_end - start :]
        self.mutants.append(
            Mutant(
                path=self.path,
                line=bisect.bisect_right(self._starts, edits[0][0]),  # the first edit's line
                function=self.function,
                operator=operator,
                original=one_line(before),
                mutated=one_line(after),
                edits=tuple(edits),
            )
        )

    def _replace(self, node: ast.AST, operator: str, text: str) -> None:
        start, end = self._span(node)
        self._add(operator, [(start, end, text)], node)

    def _token_between(self, left: ast.AST, right: ast.AST, pattern: str) -> tuple[int, int] | None:
        """Where ``pattern`` (an operator token) lies between two operands, if found."""
        gap_start, gap_end = self._span(left)[1], self._span(right)[0]
        match = re.search(pattern, self.source[gap_start:gap_end])
        if match is None:
            return None
        return gap_start + match.start(), gap_start + match.end()

    # -- statements -------------------------------------------------------------------------

    def visit_Raise(self, node: ast.Raise) -> None:
        self._replace(node, "raise→pass", "pass")
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        value = node.value
        if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            self._replace(node, "return-None", "return None")
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        value = node.value.value if isinstance(node.value, ast.Await) else node.value
        if isinstance(value, ast.Call):
            self._replace(node, "delete-call", "pass")
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        start, end = self._span(node.test)
        text = f"not ({self.source[start:end]})"
        self._add("negate-if", [(start, end, text)], node.test)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        # The annotation is not behaviour; only the value is.
        if node.value is not None:
            self.visit(node.value)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        # A nested function: its body is part of the target's behaviour, its signature is not.
        for statement in node.body:
            self.visit(statement)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    # -- expressions ------------------------------------------------------------------------

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        for index, op in enumerate(node.ops):
            pattern, replacement = _COMPARE_SWAP[type(op)]
            where = self._token_between(operands[index], operands[index + 1], pattern)
            if where is not None:
                self._add("compare", [(*where, replacement)], node)
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        edits: list[Edit] = []
        for left, right in zip(node.values, node.values[1:], strict=False):
            where = self._token_between(left, right, rf"\b{old}\b")
            if where is None:
                break
            edits.append((*where, new))
        else:
            self._add("and↔or", edits, node)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return
        # int x → x+1 (so 0 → 1); float x → x*10, and 0.0 (which that leaves alone) → 1.0
        text = str(value + 1) if isinstance(value, int) else repr(value * 10) if value else "1.0"
        self._replace(node, "number", text)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        # Positions inside f-strings are not reliable before Python 3.12: leave them alone.
        return


def one_line(text: str, limit: int = 70) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
