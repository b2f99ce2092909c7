"""Checks on any message: a value, a value copied from an earlier step."""

from __future__ import annotations

from typing import Any

from ..context import CaseContext, Record, lookup
from .registry import CheckFailed, check, message_of


@check("equals")
def _equals(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The value at ``pointer`` is ``value``."""
    got = lookup(message_of(record), args["pointer"], f"step {record.step}")
    if got != args["value"]:
        raise CheckFailed(f"{args['pointer']} is {got!r}, expected {args['value']!r}")


@check("same-as")
def _same_as(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The value at ``pointer`` is the one at ``stepPointer`` (default: the same pointer)
    of the latest message of ``step`` — an identifier the IUT chose, used consistently."""
    got = lookup(message_of(record), args["pointer"], f"step {record.step}")
    want = lookup(ctx.message(args["step"]), args.get("stepPointer", args["pointer"]))
    if got != want:
        raise CheckFailed(f"{args['pointer']} is {got!r}, but step {args['step']} said {want!r}")


@check("performed")
def _performed(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """(A final check.) The IUT performed ``step`` at least once."""
    if not ctx.has(args["step"], "IUT"):
        raise CheckFailed(f"the IUT never performed step {args['step']}")
