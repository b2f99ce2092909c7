"""Argument types the subcommands share: each refuses a bad value as a usage error (argparse
prints it and exits 2) before any work starts."""

from __future__ import annotations

import argparse
import math


def positive_int(value: str) -> int:
    if not value.isdecimal() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {value!r}")
    return int(value)


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return math.nan


def positive_float(value: str) -> float:
    number = _number(value)
    if not (math.isfinite(number) and number > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, not {value!r}")
    return number


def non_negative_float(value: str) -> float:
    number = _number(value)
    if not (math.isfinite(number) and number >= 0):
        raise argparse.ArgumentTypeError(f"expected zero or a positive number, not {value!r}")
    return number


def port(value: str) -> int:
    """A TCP port, 0 (any free one) to 65535."""
    if not value.isdecimal() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, not {value!r}")
    return int(value)


__all__ = ["non_negative_float", "port", "positive_float", "positive_int"]
