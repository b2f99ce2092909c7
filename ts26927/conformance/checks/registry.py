"""The registry of semantic checks, by name — beyond schema and step order.

Each check takes the case context, the IUT's step record and the case's arguments, and
raises :class:`CheckFailed` with a reason when the IUT is wrong. A check that cannot judge
something for this implementation (no labelled data, an aggregation rule declared OTHER)
says so with ``ctx.note`` instead of passing it silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ts26927.bindings.attachments import AttachmentError
from ts26927.errors import Ts26927Error

from ..context import CaseContext, CaseDataError, Record


class CheckFailed(Exception):
    """The IUT failed a check (the reason says what and where)."""


Check = Callable[[CaseContext, Record, dict[str, Any]], None]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    """Register a check under ``name`` (a second check of the same name is refused)."""

    def register(function: Check) -> Check:
        if name in CHECKS:
            raise ValueError(f"check {name!r} is already registered")
        CHECKS[name] = function
        return function

    return register


def run_check(name: str, ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    try:
        function = CHECKS[name]
    except KeyError:
        raise CaseDataError(f"{ctx.case_id}: unknown check {name!r}") from None
    try:
        function(ctx, record, args)
    except (Ts26927Error, AttachmentError) as error:
        if isinstance(error, CaseDataError):
            raise
        raise CheckFailed(str(error)) from None


def message_of(record: Record) -> dict[str, Any]:
    if record.message is None:
        raise CheckFailed(f"step {record.step} carried no message")
    return record.message
