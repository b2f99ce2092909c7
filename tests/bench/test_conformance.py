from __future__ import annotations

import json

import pytest

from ts26927.bench import conformance
from ts26927.cli import main


def test_bench_conformance_times_every_case(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bench", "conformance", "--json", "--repeat", "1", "--quiet"])
    result = json.loads(capsys.readouterr().out)
    assert result["cases"] == len(result["per_case_median_s"]) >= 20
    assert result["all_passed"] and result["wall_s"] > 0
    assert code == (0 if all(result["targets"].values()) else 1)


def test_bench_conformance_refuses_no_repeat() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        conformance.run(repeat=0)
