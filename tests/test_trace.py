from __future__ import annotations

from ts26927 import trace
from ts26927.models.catalogue import ROWS


def test_every_tr_row_is_implemented_exactly_once() -> None:
    entries = trace.build()
    assert [e.row for e in entries] == list(ROWS)
    assert trace.unimplemented_rows() == []
    for entry in entries:
        assert len(entry.implementations) == 1, entry.row


def test_no_field_claims_a_row_the_tr_does_not_have() -> None:
    assert trace.dangling_fields() == []


def test_trace_json_names_clause_type_and_property() -> None:
    rows = {(r["clause"], r["metadataType"]): r for r in (e.to_dict() for e in trace.build())}
    shape = rows[("6.6.3", "Tensor shape")]
    [impl] = shape["implementedBy"]
    assert (impl["type"], impl["property"]) == ("IntermediateTensor", "tensorShape")
    assert impl["inSchemas"][0] == "IntermediateDataInformation"
    assert "MediaData" in impl["inSchemas"]
    assert rows[("6.6.5", "Connection capabilities")]["trExample"] == "256 kb/s"
    control = rows[("6.6.6.1", "Control information")]["implementedBy"][0]
    assert control["type"] == "ControlInformation" and control["property"] == ""
