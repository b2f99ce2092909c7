"""The shared argument types: a bad value is a usage error (exit 2) before any work starts."""

from __future__ import annotations

import argparse

import pytest

from ts26927.cli import main
from ts26927.cli.argtypes import non_negative_float, port, positive_float, positive_int


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (positive_int, {"1": 1, "42": 42}, ["0", "-1", "1.5", "x", ""]),
        (positive_float, {"0.5": 0.5, "3": 3.0}, ["0", "-1", "nan", "inf", "x"]),
        (non_negative_float, {"0": 0.0, "2.5": 2.5}, ["-0.1", "nan", "-inf", "x"]),
        (port, {"0": 0, "8026": 8026, "65535": 65535}, ["65536", "99999", "-1", "http"]),
    ],
)
def test_good_values_convert_and_bad_ones_are_refused(kind, good: dict, bad: list[str]) -> None:
    for text, value in good.items():
        assert kind(text) == value
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError, match=repr(text)):
            kind(text)


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--port", "99999"],
        ["serve", "--max-body", "0"],
        ["conformance", "run", "--timeout-multiplier", "-1"],
        ["conformance", "run", "--timeout-multiplier", "nan"],
        ["bench", "fl", "--clients", "0"],
    ],
)
def test_commands_refuse_them_as_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert "expected" in capsys.readouterr().err
