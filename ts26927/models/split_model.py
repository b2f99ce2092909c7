"""AI model information for split AI/ML operations — TR 26.927 clause 6.6.3.

A trained model is a directed acyclic graph (e.g. ONNX); a split point lies before or after
one graph node, identified by name or number. The service provider predefines a set of
split points per model; these types describe them.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import Self

from pydantic import model_validator

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, rule_violation, tr_field
from ts26927.models.units import Identifier, NonNegativeFloat, PositiveInt, Uinteger

_row = tr.SPLIT


class SplitPointFlag(StrEnum):
    """Whether the split lies before or after the identified graph node (closed enum)."""

    BEFORE = "BEFORE"
    AFTER = "AFTER"


class SplitPointInformation(TsModel):
    """One predefined split point of a model (clause 6.6.3 'Split point information')."""

    tr_clause = "6.6.3"

    split_point_identifier: Identifier = tr_field(
        tr.row(_row, "Split point identifier"),
        "Identifier of the split point in the description of the computing graph (e.g. "
        "generated from ONNX/NNEF), unique among the model's split points. The TR's example "
        "'Nb:10, 75 Name: Layer_10' shows numbers and names as identifiers; a number is "
        "written here as its decimal string.",
        examples=["10", "75", "Layer_10"],
    )
    split_point_intermediate_data_size: NonNegativeFloat | None = tr_field(
        tr.row(_row, "Split point intermediate data size"),
        "Size of the intermediate data produced at this split point (all tensors that "
        "cross the cut, uncompressed).",
        default=None,
        unit="KB",
        examples=[1086],
    )
    split_point_number: Uinteger | None = tr_field(
        tr.row(_row, "Split point number"),
        "Number of the split point, from the set of numbers defined at configuration stage.",
        default=None,
        examples=[10],
    )
    split_point_name: Identifier | None = tr_field(
        tr.row(_row, "Split point name"),
        "Name of the split point (the graph node's name), from the set of names defined at "
        "configuration stage.",
        default=None,
        examples=["conv2d_1234"],
    )
    split_point_flag: SplitPointFlag | None = tr_field(
        tr.row(_row, "Split point flag"),
        "Whether the split lies before or after the identified node. When absent, the "
        "convention agreed at configuration stage applies.",
        default=None,
        examples=["BEFORE", "AFTER"],
    )


def _duplicates(values: list[str | int]) -> list[str | int]:
    return [value for value, count in Counter(values).items() if count > 1]


class SplitModelInformation(TsModel):
    """The predefined split points of one model (clause 6.6.3 'Split model information')."""

    tr_clause = "6.6.3"
    cross_field_rules = (
        "When splitPointInformation is present, its length equals splitPoints.",
        "splitPointIdentifier, splitPointNumber and splitPointName are each unique among "
        "the split points.",
    )

    model_identifier: Identifier | None = tr_field(
        None,
        "Identifier of the model these split points belong to (clause 6.6.2 'Model "
        "identifier'). Added by this library to tie the two tables together.",
        default=None,
        examples=["model_1"],
    )
    split_points: PositiveInt = tr_field(
        tr.row(_row, "Split points"),
        "Number of predefined split points at which the model can be divided into two. "
        "When splitPointInformation is given, it lists exactly this many split points.",
        examples=[2],
    )
    split_point_information: list[SplitPointInformation] | None = tr_field(
        None,
        "The predefined split points. Identifiers, numbers and names are each unique.",
        default=None,
        min_length=1,
        max_length=10000,
        examples=[
            [
                {
                    "splitPointIdentifier": "10",
                    "splitPointNumber": 10,
                    "splitPointName": "conv2d_1234",
                    "splitPointFlag": "AFTER",
                    "splitPointIntermediateDataSize": 1086,
                },
                {
                    "splitPointIdentifier": "75",
                    "splitPointNumber": 75,
                    "splitPointName": "Layer_10",
                    "splitPointFlag": "BEFORE",
                },
            ]
        ],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        points = self.split_point_information
        if points is None:
            return self
        if len(points) != self.split_points:
            raise rule_violation(
                "split_point_count",
                "splitPoints is {declared} but splitPointInformation lists {listed}",
                declared=self.split_points,
                listed=len(points),
            )
        for label, attribute in (
            ("splitPointIdentifier", "split_point_identifier"),
            ("splitPointNumber", "split_point_number"),
            ("splitPointName", "split_point_name"),
        ):
            values = [getattr(p, attribute) for p in points]
            if dup := _duplicates([v for v in values if v is not None]):
                raise rule_violation(
                    "split_point_not_unique",
                    "{label} must be unique; repeated: {dup}",
                    label=label,
                    dup=", ".join(map(str, dup)),
                )
        return self

    def find(self, identifier: str) -> SplitPointInformation | None:
        """The split point with ``identifier``, or None."""
        for point in self.split_point_information or []:
            if point.split_point_identifier == identifier:
                return point
        return None
