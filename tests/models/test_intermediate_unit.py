"""The engine's wire types: unit header, split configuration and selection rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from ts26927.models.intermediate_unit import (
    IntermediateDataUnitHeader,
    chain_name,
    chain_problem,
)
from ts26927.models.split_configuration import (
    RejectedConfiguration,
    SplitConfiguration,
    SplitSelection,
    SplitTopology,
)

INFO = {
    "tensorStructureInformation": {"name": "NUMPY", "version": "2.0"},
    "tensors": [
        {"name": "r87", "tensorShape": [1, 256, 28, 28], "tensorElementDataType": "FLOAT"},
        {"name": "shape", "tensorShape": [4], "tensorElementDataType": "INT64"},
    ],
    "dataDirection": "UPSTREAM",
    "compressionAlgorithms": ["INT8", "ZSTD"],
}
HEADER = {
    "splitPointInformation": {"splitPointIdentifier": "87", "splitPointNumber": 87},
    "intermediateDataInformation": INFO,
    "payloads": [
        {
            "name": "r87",
            "compressionAlgorithms": ["INT8", "ZSTD"],
            "encodedElementDataType": "INT8",
            "quantization": {"scale": 0.0123, "zeroPoint": -128},
            "rawLength": 200704,
            "payloadLength": 28561,
        },
        {
            "name": "shape",
            "compressionAlgorithms": ["ZSTD"],
            "encodedElementDataType": "INT64",
            "rawLength": 32,
            "payloadLength": 20,
        },
    ],
}
CONFIGURATION = {
    "configurationIdentifier": "87/INT8+ZSTD",
    "modelIdentifier": "resnet50",
    "topology": "UE_SOURCE_UE_FIRST",
    "splitPointInformation": {"splitPointIdentifier": "87", "splitPointNumber": 87},
    "intermediateDataInformation": INFO,
    "accuracy": 97.1,
    "intermediateDataSize": 28.6,
    "ueInferenceLatency": 12.5,
    "transferLatency": 3.7,
    "networkInferenceLatency": 1.2,
    "totalLatency": 17.4,
    "ueProfile": {"computationalCost": 5.2e8, "computationalComplexity": 260000000, "memory": 4.1},
}


def _edited(document: dict, *path: Any, value: Any = None, delete: bool = False) -> dict:
    out = copy.deepcopy(document)
    target = out
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


def test_valid_documents_round_trip() -> None:
    header = IntermediateDataUnitHeader.from_wire(HEADER)
    assert header.to_wire() == HEADER
    configuration = SplitConfiguration.from_wire(CONFIGURATION)
    selection = SplitSelection.from_wire(
        {
            "decisionMode": "UE",
            "optimizationPreference": "LATENCY",
            "selected": CONFIGURATION,
            "candidates": [CONFIGURATION],
            "rejected": [
                {
                    "configurationIdentifier": "3/NONE",
                    "splitPointIdentifier": "3",
                    "compressionAlgorithms": ["NONE"],
                    "failed": [{"constraint": "LATENCY", "detail": "estimated 142 ms > 100 ms"}],
                }
            ],
        }
    )
    assert selection.selected == configuration


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("payloads", 0, "name", "x"), "payloads name x, shape but the tensors are r87, shape"),
        (("payloads", 0, "rawLength", 1), "payloads/0: rawLength is 1"),
        (
            ("payloads", 1, "compressionAlgorithms", ["NONE"]),
            "payloadLength 20 must equal rawLength 32",
        ),
        (("payloads", 0, "encodedElementDataType", "FLOAT"), "expected INT8"),
        (("payloads", 1, "compressionAlgorithms", ["ZSTD", "INT8"]), "comes first"),
        (("payloads", 1, "compressionAlgorithms", ["LZ4"]), "LZ4 not among"),
        (("payloads", 0, "quantization", {"scale": 0, "zeroPoint": 0}), "greater than 0"),
        (("payloads", 0, "quantization", {"scale": 1, "zeroPoint": 128}), "less than or equal"),
    ],
)
def test_header_rules(edit: tuple, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        IntermediateDataUnitHeader.from_wire(_edited(HEADER, *edit[:-1], value=edit[-1]))


def test_header_quantization_goes_with_int8() -> None:
    without = _edited(HEADER, "payloads", 0, "quantization", delete=True)
    with pytest.raises(ValidationError, match="quantization must be present exactly with INT8"):
        IntermediateDataUnitHeader.from_wire(without)


def test_chain_grammar() -> None:
    assert chain_problem(["INT8", "ZSTD"]) is None
    assert chain_problem(["FC_VCM"]) is None  # well formed; engines say whether they have it
    assert chain_problem(["NONE"]) is None
    assert chain_problem([]) == "a codec chain names at least one algorithm"
    assert chain_problem(["SNAPPY", "ZSTD"]) == "at most one codec follows the precision reduction"
    assert chain_name(["FLOAT16", "ZSTD"]) == "FLOAT16+ZSTD"


def test_configuration_rules() -> None:
    downstream = _edited(
        CONFIGURATION, "intermediateDataInformation", "dataDirection", value="DOWNSTREAM"
    )
    with pytest.raises(ValidationError, match="sends intermediate data UPSTREAM, not DOWNSTREAM"):
        SplitConfiguration.from_wire(downstream)
    wrong_total = _edited(CONFIGURATION, "totalLatency", value=20.0)
    with pytest.raises(ValidationError, match="totalLatency must be the sum"):
        SplitConfiguration.from_wire(wrong_total)
    partial = _edited(CONFIGURATION, "transferLatency", delete=True)
    with pytest.raises(ValidationError, match="totalLatency must be the sum"):
        SplitConfiguration.from_wire(partial)
    unestimated = _edited(partial, "totalLatency", delete=True)
    assert SplitConfiguration.from_wire(unestimated).total_latency is None


def test_selection_rules() -> None:
    other = _edited(CONFIGURATION, "configurationIdentifier", value="88/NONE")

    def selection(**fields: Any) -> dict:
        base = {
            "decisionMode": "UE",
            "optimizationPreference": "ENERGY",
            "candidates": [],
            "rejected": [],
        }
        return {**base, **fields}

    assert SplitSelection.from_wire(selection()).selected is None
    with pytest.raises(ValidationError, match="selected must be present exactly with candidates"):
        SplitSelection.from_wire(selection(candidates=[CONFIGURATION]))
    with pytest.raises(ValidationError, match="selected must be present exactly"):
        SplitSelection.from_wire(selection(selected=other, candidates=[CONFIGURATION, other]))
    with pytest.raises(ValidationError, match="the network decides, it returns one"):
        SplitSelection.from_wire(
            selection(
                decisionMode="NETWORK", selected=CONFIGURATION, candidates=[CONFIGURATION, other]
            )
        )
    with pytest.raises(ValidationError, match="identifiers must be unique"):
        SplitSelection.from_wire(
            selection(selected=CONFIGURATION, candidates=[CONFIGURATION, CONFIGURATION])
        )
    with pytest.raises(ValidationError, match="failed"):
        RejectedConfiguration.from_wire(
            {
                "configurationIdentifier": "a",
                "splitPointIdentifier": "1",
                "compressionAlgorithms": ["NONE"],
                "failed": [],
            }
        )


def test_topologies_of_clause_5_1_2() -> None:
    facts = {
        t: (t.first_endpoint.value, t.data_direction.value, t.media_uplink, t.result_downlink)
        for t in SplitTopology
    }
    assert facts == {
        SplitTopology.UE_SOURCE_UE_FIRST: ("UE", "UPSTREAM", False, True),
        SplitTopology.UE_SOURCE_NETWORK_FIRST: ("NETWORK", "DOWNSTREAM", True, False),
        SplitTopology.NETWORK_SOURCE: ("NETWORK", "DOWNSTREAM", False, False),
    }


@pytest.mark.parametrize(
    "model", [IntermediateDataUnitHeader, SplitConfiguration, SplitSelection, RejectedConfiguration]
)
def test_json_schemas_export(model: type) -> None:
    schema = model.model_json_schema(by_alias=True)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
