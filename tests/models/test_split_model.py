from __future__ import annotations

import pytest
from pydantic import ValidationError

from ts26927.models import SplitModelInformation, SplitPointFlag
from ts26927.models.examples import EXAMPLES


def _doc(**overrides: object) -> dict:
    return {**EXAMPLES["SplitModelInformation"][0], **overrides}


def test_example_parses_and_finds_split_points() -> None:
    info = SplitModelInformation.from_wire(_doc())
    point = info.find("10")
    assert point is not None and point.split_point_flag is SplitPointFlag.AFTER
    assert point.split_point_intermediate_data_size == 1086
    assert info.find("nope") is None


def test_count_must_match_the_listed_points() -> None:
    with pytest.raises(ValidationError, match="splitPoints is 3 but splitPointInformation lists 2"):
        SplitModelInformation.from_wire(_doc(splitPoints=3))


@pytest.mark.parametrize(
    ("field", "value"),
    [("splitPointIdentifier", "10"), ("splitPointNumber", 10), ("splitPointName", "conv2d_1234")],
)
def test_identifiers_numbers_and_names_are_unique(field: str, value: object) -> None:
    points = [dict(p) for p in _doc()["splitPointInformation"]]
    points[1][field] = value
    with pytest.raises(ValidationError, match=f"{field} must be unique; repeated: {value}"):
        SplitModelInformation.from_wire(_doc(splitPointInformation=points))


def test_number_zero_counts_for_uniqueness() -> None:
    points = [dict(p) for p in _doc()["splitPointInformation"]]
    points[0]["splitPointNumber"] = points[1]["splitPointNumber"] = 0
    with pytest.raises(ValidationError, match="splitPointNumber must be unique"):
        SplitModelInformation.from_wire(_doc(splitPointInformation=points))


def test_count_alone_is_enough_and_zero_is_refused() -> None:
    assert SplitModelInformation.from_wire({"splitPoints": 2}).split_point_information is None
    with pytest.raises(ValidationError, match="splitPoints"):
        SplitModelInformation.from_wire({"splitPoints": 0})


def test_flag_is_a_closed_enum() -> None:
    points = [dict(p) for p in _doc()["splitPointInformation"]]
    points[0]["splitPointFlag"] = "MIDDLE"
    with pytest.raises(ValidationError, match="splitPointFlag"):
        SplitModelInformation.from_wire(_doc(splitPointInformation=points))
