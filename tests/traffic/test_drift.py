"""Measured figures and pages compared within the tolerance of a measurement: numbers may move
by less than one percent (another CPU), nothing else may change."""

from __future__ import annotations

import pytest

from ts26927.traffic.drift import RELATIVE_TOLERANCE, close, data_difference, text_difference


def test_the_tolerance_is_one_percent_of_the_larger_value() -> None:
    assert RELATIVE_TOLERANCE == 0.01
    assert close(1000.0, 1010.0) and close(1010.0, 1000.0)
    assert not close(1000.0, 1010.2)
    assert close(0.0, 0.0) and not close(0.0, 1e-9)
    assert close(float("inf"), float("inf")) and not close(float("inf"), 1e308)
    assert not close(float("nan"), float("nan"))


DATA = {"title": "t", "panels": [{"series": [{"label": "raw", "y": [1000, None, 2.5]}]}]}


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (lambda d: d["panels"][0]["series"][0]["y"].__setitem__(0, 1005), None),
        (lambda d: d["panels"][0]["series"][0]["y"].__setitem__(0, 1020),
         "/panels/0/series/0/y/0: 1000 → 1020"),
        (lambda d: d["panels"][0]["series"][0]["y"].__setitem__(1, 0), "/panels/0/series/0/y/1"),
        (lambda d: d["panels"][0]["series"][0]["y"].append(1), "3 items → 4"),
        (lambda d: d["panels"][0]["series"][0].__setitem__("label", "INT8"), "'raw' → 'INT8'"),
        (lambda d: d.__setitem__("notes", []), "keys differ (notes)"),
        (lambda d: d.__setitem__("title", 1), "'t' → 1"),
        (lambda d: d["panels"][0]["series"][0]["y"].__setitem__(2, True), "2.5 → True"),
    ],
)  # fmt: skip
def test_data_differ_only_beyond_the_tolerance_and_are_named_by_pointer(change, found) -> None:
    import copy

    now = copy.deepcopy(DATA)
    change(now)
    result = data_difference(DATA, now)
    assert result == found if found is None else found in (result or "")


PAGE = (
    "With INT8+ZSTD, 31 of 177 split points meet the budget.\n| 12 | conv1 | 1,234,000 | 7.25 |\n"
)


@pytest.mark.parametrize(
    ("now", "found"),
    [
        (PAGE.replace("1,234,000", "1,236,500"), None),  # 0.2 %: another CPU
        (PAGE.replace("7.25", "7.26"), None),
        (PAGE.replace("1,234,000", "1,300,000"), "line 2"),
        (PAGE.replace("31 of", "32 of"), "line 1"),  # a count crossing the budget: 3 %
        (PAGE.replace("conv1", "conv2"), "line 2"),  # a number inside a name is text
        (PAGE.replace("budget.", "budget, 5."), "line 1"),  # another number of numbers
        (PAGE + "more\n", "2 lines → 3"),
    ],
)
def test_pages_differ_only_beyond_the_tolerance_or_in_their_text(now: str, found) -> None:
    result = text_difference(PAGE, now)
    assert result == found if found is None else found in (result or "")
