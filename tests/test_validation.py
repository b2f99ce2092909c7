from __future__ import annotations

import pytest

from ts26927 import validation
from ts26927.errors import DocumentError, InvalidDocumentError, UnknownTypeError
from ts26927.models import AiModelInformation
from ts26927.models.wire_errors import pointer


def test_parse_returns_the_model() -> None:
    model = validation.parse("AiModelInformation", {"modelIdentifier": "m", "accuracy": 90})
    assert isinstance(model, AiModelInformation) and model.accuracy == 90


def test_every_schema_error_is_reported_with_a_pointer() -> None:
    with pytest.raises(InvalidDocumentError) as caught:
        validation.parse(
            "IntermediateDataInformation",
            {
                "tensorStructureInformation": {"name": "PYTORCH", "version": "2.0"},
                "tensors": [{"name": "x", "tensorShape": [1, -4], "tensorElementDataType": "F32"}],
                "dataDirection": "UP",
            },
        )
    pointers = [i.pointer for i in caught.value.issues]
    assert pointers == [
        "/dataDirection",
        "/tensors/0/tensorElementDataType",
        "/tensors/0/tensorShape/1",
    ]


def test_cross_field_errors_come_from_the_model_with_a_pointer() -> None:
    issues = validation.check(
        "ModelEvaluationInformation",
        {"roundNumber": 1, "metricNumber": 2, "metrics": [{"name": "LOSS", "value": 1}]},
    )
    assert [(i.pointer, i.reason) for i in issues] == [
        ("", "metricNumber is 2 but metrics lists 1")
    ]


def test_union_errors_say_what_each_alternative_wanted() -> None:
    [issue] = validation.check(
        "EndpointCapabilityInformation", {"supportedCompressionAlgorithms": ["snappy"]}
    )
    assert issue.pointer == "/supportedCompressionAlgorithms/0"
    assert "is not one of" in issue.reason and "does not match" in issue.reason


def test_unknown_type() -> None:
    with pytest.raises(UnknownTypeError, match="unknown type 'Nope'"):
        validation.parse("Nope", {})


def test_pointer_escapes_rfc6901() -> None:
    assert pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "not valid JSON"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        (b"\xff\xfe", "not valid JSON"),
        ("[" * 100000 + "]" * 100000, "not valid JSON"),
    ],
)
def test_load_json_refuses_bad_documents(text: str | bytes, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason):
        validation.load_json(text, "doc.json")


def test_load_json_refuses_oversized_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "MAX_DOCUMENT_BYTES", 10)
    with pytest.raises(DocumentError, match="larger than 10 bytes"):
        validation.load_json('{"modelIdentifier": "m"}', "doc.json")


def test_out_of_range_numbers_are_invalid_with_their_pointer() -> None:
    data = validation.load_json('{"modelIdentifier": "m", "accuracy": 1e400}', "doc")
    with pytest.raises(InvalidDocumentError) as caught:
        validation.parse("AiModelInformation", data)
    assert [(i.pointer, i.reason) for i in caught.value.issues] == [
        ("/accuracy", "the number 1e400 is out of the binary64 range")
    ]
    data = validation.load_json('{"modelIdentifier": "m", "accuracy": 1e-400}', "doc")
    with pytest.raises(InvalidDocumentError, match="underflows to zero"):
        validation.parse("AiModelInformation", data)


def test_a_float_that_is_not_finite_built_in_process_is_invalid_not_raised() -> None:
    with pytest.raises(InvalidDocumentError):
        validation.parse("StatusReport", {"inferenceLatency": float("inf")})


def test_the_issues_reported_are_bounded_and_the_rest_counted() -> None:
    items = [{"name": "x"} for _ in range(50_000)]
    data = {"modelId": "m", "parameters": items}
    with pytest.raises(InvalidDocumentError) as caught:
        validation.parse("ModelUpdateInformation", data)
    issues = caught.value.issues
    assert len(issues) == validation.MAX_ISSUES + 1
    assert issues[-1].reason.startswith("and more than 9999 more issues")
    assert all(len(i.reason) <= validation.MAX_REASON for i in issues)


def test_a_document_of_too_many_values_is_refused_before_it_is_built() -> None:
    text = "[" + ",".join(["{}"] * 1_100_000) + "]"
    with pytest.raises(DocumentError, match="more than 1000000 values"):
        validation.load_json(text, "doc")
