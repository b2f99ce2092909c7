"""The hostile-document bench: its documents are what they are named, and one probe
really measures a separate ``validate`` process."""

from __future__ import annotations

from pathlib import Path

from ts26927.bench import hostile
from ts26927.validation import MAX_DOCUMENT_BYTES


def test_documents_stay_under_the_cap_and_the_large_ones_come_close() -> None:
    cap = 100_000
    for name, (_type, make) in hostile._documents(cap).items():
        data = make()
        if name.startswith("63 MB"):
            assert cap - 4 <= len(data) <= cap, name
    assert hostile.MAX_DOCUMENT_BYTES == MAX_DOCUMENT_BYTES


def test_a_probe_reports_the_exit_code_and_its_own_peak_memory(tmp_path: Path) -> None:
    valid = hostile._measure("AiModelInformation", b'{"modelIdentifier": "m"}', tmp_path)
    invalid = hostile._measure("AiModelInformation", b'{"accuracy": 1e400}', tmp_path)
    assert valid["exitCode"] == 0 and valid["outputLines"] == 1
    assert invalid["exitCode"] == 1 and not invalid["traceback"]
    # A fresh interpreter with the package imported: tens of MB, not the bench's own peak.
    assert 10 < valid["peakMB"] < 1000
