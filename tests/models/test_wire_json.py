"""The one JSON reader: every hostile text gets a typed reason, never an exception of its
own, and out-of-range numbers can be kept for a validator to place."""

from __future__ import annotations

import pytest

from ts26927.models.wire_json import MAX_VALUES, JsonTextError, OutOfRange, loads, out_of_range


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1e400", "out of the binary64 range"),
        ("-1e400", "out of the binary64 range"),
        ("1e-400", "underflows to zero"),
        ("[NaN]", "NaN is not a JSON number"),
        ("[-Infinity]", "-Infinity is not a JSON number"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (b"\xff\xfe", "not UTF-8"),
        ("1" * 5000, "digits"),
        ("{", "Expecting property name"),
        ("[" + "0," * MAX_VALUES + "0]", "more than 1000000 values"),
    ],
)
def test_hostile_texts_are_refused_with_a_reason(text: str | bytes, reason: str) -> None:
    with pytest.raises(JsonTextError, match=reason):
        loads(text)


def test_good_numbers_pass_and_a_zero_is_not_an_underflow() -> None:
    assert loads("[0.0, 0e-400, 1e-300, 1.5e308, -2]") == [0.0, 0.0, 1e-300, 1.5e308, -2]


def test_out_of_range_numbers_can_be_kept_and_found() -> None:
    data = loads('{"a": [1, 1e400], "b": {"c": 1e-999}}', numbers="keep")
    found = out_of_range(data)
    assert [path for path, _ in found] == [["a", 1], ["b", "c"]]
    assert all(isinstance(number, OutOfRange) for _, number in found)
    assert found[0][1].reason == "the number 1e400 is out of the binary64 range"
    assert found[1][1].reason == "the number 1e-999 underflows to zero"
