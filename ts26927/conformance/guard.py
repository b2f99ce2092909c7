"""Calls into an implementation that can never hang the runner: each runs in a daemon
thread and is abandoned after its timeout."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class CallTimeout(Exception):
    """The implementation did not answer in time."""


class CallCrashed(Exception):
    """The implementation (or its adapter) raised instead of answering."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        super().__init__(f"{type(error).__name__}: {error}")


def guarded(call: Callable[[], T], timeout_s: float) -> T:
    """``call()``, or :class:`CallTimeout` after ``timeout_s``, or :class:`CallCrashed`."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as error:
            box["error"] = error

    worker = threading.Thread(target=target, daemon=True, name="iut-call")
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise CallTimeout(f"no answer within {timeout_s:g} s")
    if "error" in box:
        raise CallCrashed(box["error"])  # type: ignore[arg-type]
    return box["value"]  # type: ignore[return-value]
