"""The catalogue of TR rows equals the tables printed in the TR's clause 6.6.

``tests/data/tr26927_clause_6_6.txt`` is clause 6.6 of the TR as plain text; the parser
below reads its tables and bullet lists independently of the catalogue.
"""

from __future__ import annotations

import re
from pathlib import Path

from ts26927.models import catalogue

CLAUSE_TEXT = (Path(__file__).parent.parent / "data" / "tr26927_clause_6_6.txt").read_text(
    encoding="utf-8"
)
HEADER = {
    "Metadata category",
    "Metadata type",
    "Definition",
    "Metadata type description (Examples)",
}


def _sections() -> dict[str, str]:
    parts = re.split(r"^\[bookmark: _Toc\d+\](\S+)\t(.*)$", CLAUSE_TEXT, flags=re.M)
    sections: dict[str, str] = {}
    for i in range(1, len(parts), 3):
        key = f"{parts[i]} {parts[i + 1].strip()}"
        sections[key] = parts[i + 2]
    return sections


def _table_types(body: str) -> list[str]:
    """Metadata-type names of a 4-column table (blocks of tab-indented lines)."""
    names: list[str] = []
    category_only = False
    for block in re.split(r"\n\n", body):
        lines = [ln[1:].strip() for ln in block.splitlines() if ln.startswith("\t")]
        if not lines or set(lines) <= HEADER:
            continue
        if len(lines) == 1:
            category_only = True
            continue
        names.append(lines[0] if category_only else lines[1])
        category_only = False
    return names


def _parameters(body: str) -> list[str]:
    return re.findall(r"^-\tThe ([A-Za-z_]+)", body, flags=re.M)


def _rows(table: catalogue.TrTable) -> list[str]:
    return [r.metadata_type for r in catalogue.ROWS if r.table == table]


def test_four_column_tables_match_the_tr() -> None:
    s = _sections()
    assert _table_types(s["6.6.2 Common AI model information"]) == _rows(catalogue.COMMON)
    assert _table_types(s["6.6.3 AI model information for split AI/ML operations"]) == _rows(
        catalogue.SPLIT
    )
    assert _table_types(s["6.6.3 Intermediate data information for split AI/ML operations"]) == (
        _rows(catalogue.INTERMEDIATE)
    )
    assert _table_types(s["6.6.4 Service requirement information"]) == _rows(catalogue.SERVICE)
    assert _table_types(s["6.6.5 Endpoint capability information"]) == _rows(catalogue.ENDPOINT)


def test_table_sizes_are_the_trs() -> None:
    sizes = [
        len(_rows(t))
        for t in (
            catalogue.COMMON,
            catalogue.SPLIT,
            catalogue.INTERMEDIATE,
            catalogue.SERVICE,
            catalogue.ENDPOINT,
        )
    ]
    assert sizes == [9, 6, 5, 4, 4]


def test_control_table_matches_the_tr() -> None:
    body = _sections()["6.6.6.1.2 General"]
    categories = [
        ln.strip()
        for ln in body.splitlines()
        if ln.startswith("\t") and ln.strip().endswith("information")
    ]
    assert categories == _rows(catalogue.FL_CONTROL)


def test_parameter_lists_match_the_tr() -> None:
    s = _sections()
    assert _parameters(s["6.6.6.2.3 Parameters"]) == _rows(catalogue.FL_SYNC)
    # 6.6.6.3.3 names Hardware, Location and Language in one bullet.
    eligibility = s["6.6.6.3.3 Parameters"]
    assert "The Hardware, Location, and Language parameters" in eligibility
    assert _parameters(eligibility) == [
        "Group_id",
        "Application_group_id",
        "Hardware",
        "Data_library_id",
    ]
    assert _rows(catalogue.FL_ELIGIBILITY) == [
        "Group_id",
        "Application_group_id",
        "Hardware",
        "Location",
        "Language",
        "Data_library_id",
    ]
    assert _parameters(s["6.6.6.4.3 Parameters"]) == _rows(catalogue.FL_EVALUATION)
    assert _parameters(s["6.6.6.5.3 Parameters"]) == _rows(catalogue.FL_UPDATE)[:2]
    assert "contains the model id of the AI/ML model" in s["6.6.6.5.2 Behavior"]
    assert "describes the reason for the failure" in s["6.6.6.6.3 Parameters"]


def test_examples_are_quoted_verbatim() -> None:
    flat = re.sub(r"\s+", " ", CLAUSE_TEXT)
    for row in catalogue.ROWS:
        if row.example:
            assert row.example in flat, row
        assert row.metadata_type in CLAUSE_TEXT, row
