"""JSON documents and CSV rows carry the same figures; CSV has one header, one row per line."""

from __future__ import annotations

import csv
import io

from ts26927.engine.embedded.zoo import embedded_model
from ts26927.engine.onnxtools.analysis import analyze
from ts26927.traffic import tables
from ts26927.traffic.federated import FlScenario, digits_mlp, fl_traffic
from ts26927.traffic.samples import samples
from ts26927.traffic.split import SplitScenario, split_traffic


def test_split_rows_are_one_per_point_and_chain() -> None:
    model = embedded_model("digits")
    analysis = analyze(model, label="digits")
    scenario = SplitScenario(fps=(15.0, 30.0), chains=("NONE", "INT8"))
    result = split_traffic(model, analysis, samples(analysis, count=1), scenario)
    doc = tables.split_json(result)
    rows = tables.split_rows(result)
    assert len(rows) == 2 * len(doc["splitPoints"])
    parsed = list(csv.DictReader(io.StringIO(tables.to_csv(rows))))
    assert list(parsed[0]) == list(rows[0])
    assert {"uplinkMbpsAt15fps", "uplinkMbpsAt30fps"} <= set(parsed[0])
    first = doc["splitPoints"][3]["codecs"][1]
    row = parsed[2 * 3 + 1]
    assert row["chain"] == first["chain"] == "INT8"
    assert float(row["uplinkMbpsAt30fps"]) == first["uplinkMbps"]["30"]
    assert int(row["unitBytesMax"]) == first["unitBytesMax"]


def test_fl_rows_are_one_per_uplink_chain() -> None:
    scenario = FlScenario(chains=("NONE", "FLOAT16"))
    result = fl_traffic(digits_mlp(scenario), scenario)
    rows = tables.fl_rows(result)
    assert [r["uplinkChain"] for r in rows] == ["NONE", "FLOAT16"]
    assert all(r["downlinkRawBytesPerUe"] == result.downlink_raw_bytes for r in rows)


def test_empty_cells_for_missing_values() -> None:
    text = tables.to_csv([{"a": 1, "b": None}])
    assert text == "a,b\n1,\n"
    assert tables.to_csv([]) == ""
