"""The published TS 22.261 clause 7.10 KPI rows: citations, unit normalisation, selection."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ts26927.engine.embedded.zoo import LIGHT, embedded_names
from ts26927.traffic import published
from ts26927.traffic.published import (
    PUBLISHED_KPIS,
    UNIT_FACTORS,
    Direction,
    Kind,
    PublishedKpi,
    PublishedModel,
    Quantity,
    link,
    model_key,
    parse_figure,
    rows_for_model,
    rows_in_table,
    rows_of_kind,
)


def _row(use_case: str, table: str = "7.10.1-1") -> PublishedKpi:
    (row,) = [r for r in rows_in_table(table) if r.use_case == use_case]
    return row


def test_every_row_cites_source_clause_and_table() -> None:
    assert len(PUBLISHED_KPIS) == 20
    for row in PUBLISHED_KPIS:
        table = row.table
        assert table.source == "3GPP TS 22.261"
        assert table.version == "V20.5.0 (2025-12)"
        assert table.number.startswith(f"{table.clause}-")
        assert table.title
        assert row.use_case
        assert row.table.citation == (
            f"3GPP TS 22.261 V20.5.0 (2025-12), clause {table.clause}, table {table.number}"
        )


def test_every_row_has_positive_normalised_figures() -> None:
    for row in PUBLISHED_KPIS:
        figures = row.figures()
        assert figures, row.use_case
        for figure in figures:
            assert 0 < figure.low <= figure.high, figure
            assert figure.unit in {"ms", "bytes", "Mbit/s", "%"}


def test_split_image_recognition_row_of_table_7_10_1_1() -> None:
    row = _row("Split AI/ML image recognition")
    assert row.kind is Kind.SPLIT
    ul, dl = row.on(Direction.UPLINK), row.on(Direction.DOWNLINK)
    assert ul is not None and dl is not None
    assert ul.latency is not None and ul.latency.value == 15.0
    assert ul.data_rate is not None and ul.data_rate.value == 144.0
    assert ul.payload is not None and ul.payload.value == 270_000.0
    assert ul.availability is not None and ul.availability.value == 99.999
    assert ul.reliability is not None and ul.reliability.value == 99.9
    assert dl.reliability is not None and dl.reliability.value == 99.999
    assert dl.latency is None and dl.data_rate is None and dl.payload is None
    assert row.on(Direction.DEVICE) is None


@pytest.mark.parametrize(
    ("text", "quantity", "low", "high", "at_most", "qualifier"),
    [
        ("1.08 Gbit/s", Quantity.RATE, 1080.0, 1080.0, False, ""),
        ("1.1Gbit/s", Quantity.RATE, 1100.0, 1100.0, False, ""),
        ("4.7 Mbit/s", Quantity.RATE, 4.7, 4.7, False, ""),
        ("≤ 1.28 Gbps", Quantity.RATE, 1280.0, 1280.0, True, ""),
        ("≤ 81.33 Mbyte/s", Quantity.RATE, 650.64, 650.64, True, ""),
        ("512Mbit/s(see note 1)", Quantity.RATE, 512.0, 512.0, False, "(see note 1)"),
        ("0.27 MByte", Quantity.SIZE, 270_000.0, 270_000.0, False, ""),
        ("40 kByte", Quantity.SIZE, 40_000.0, 40_000.0, False, ""),
        ("1.5 MByte/frame", Quantity.SIZE, 1.5e6, 1.5e6, False, "/frame"),
        (
            "≤ 6.4 Mbyte (32 bits data format)",
            Quantity.SIZE,
            6.4e6,
            6.4e6,
            True,
            "(32 bits data format)",
        ),
        ("64 MB", Quantity.SIZE, 64e6, 64e6, False, ""),
        ("1s", Quantity.TIME, 1000.0, 1000.0, False, ""),
        ("2-3 s", Quantity.TIME, 2000.0, 3000.0, False, ""),
        ("10\u2013100 ms", Quantity.TIME, 10.0, 100.0, False, ""),
        ("99,9 %", Quantity.PERCENT, 99.9, 99.9, False, ""),
    ],
)
def test_parse_figure_normalises_published_units(
    text: str, quantity: Quantity, low: float, high: float, at_most: bool, qualifier: str
) -> None:
    figure = parse_figure(text, quantity)
    assert figure.published == text
    assert figure.low == pytest.approx(low) and figure.high == pytest.approx(high)
    assert figure.value == figure.high
    assert (figure.at_most, figure.qualifier) == (at_most, qualifier)


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("TBD", Quantity.RATE),
        ("15 ms", Quantity.RATE),
        ("144 Mbit/s", Quantity.SIZE),
        ("1.5 MByte", Quantity.RATE),
        ("12 Mbit", Quantity.RATE),
    ],
)
def test_parse_figure_rejects_text_that_is_not_that_quantity(text: str, quantity: Quantity) -> None:
    with pytest.raises(ValueError, match=r"figure|expected"):
        parse_figure(text, quantity)


@settings(max_examples=60, deadline=None)
@given(
    value=st.decimals(min_value="0.01", max_value="9999", places=2),
    unit=st.sampled_from(sorted(UNIT_FACTORS)),
)
def test_parse_figure_applies_the_stated_factor(value: object, unit: str) -> None:
    quantity, factor = UNIT_FACTORS[unit]
    figure = parse_figure(f"{value} {unit}", quantity)
    assert math.isclose(figure.value, float(str(value)) * factor, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("table", "use_case", "direction"),
    [
        ("7.10.1-1", "Split AI/ML image recognition", Direction.UPLINK),
        ("7.10.1-2", "AI/ML model distribution for speech recognition", Direction.DOWNLINK),
        ("7.10.1-2", "Real time media editing with on-board AI inference", Direction.DOWNLINK),
        ("7.10.2-1", "Local AI/ML model split on factory robots", Direction.DEVICE),
        (
            "7.10.2-2",
            "AI Model Transfer Management through Direct Device Connection",
            Direction.DEVICE,
        ),
    ],
)
def test_tables_own_arithmetic_confirms_decimal_units(
    table: str, use_case: str, direction: Direction
) -> None:
    # Payload / latency reproduces the published rate exactly only with 1 MByte = 10**6 bytes.
    kpi = rows_in_table(table)
    row = next(r for r in kpi if r.use_case == use_case)
    figures = row.on(direction)
    assert figures is not None and figures.data_rate is not None
    assert figures.implied_rate_mbps == pytest.approx(figures.data_rate.value)


def test_byte_rate_is_normalised_to_bits() -> None:
    row = _row("transfer learning for trajectory prediction", "7.10.2-2")
    figures = row.on(Direction.DEVICE)
    assert figures is not None and figures.data_rate is not None
    # 244 MByte in 3 s against the published 81.33 Mbyte/s (x8 = 650.64 Mbit/s).
    assert figures.implied_rate_mbps == pytest.approx(figures.data_rate.value, rel=1e-3)


def test_rows_of_kind_partition_the_rows_by_table_family() -> None:
    by_kind = {kind: rows_of_kind(kind) for kind in Kind}
    assert sum(len(rows) for rows in by_kind.values()) == len(PUBLISHED_KPIS)
    assert {r.table.number for r in by_kind[Kind.SPLIT]} == {"7.10.1-1", "7.10.2-1"}
    assert {r.table.number for r in by_kind[Kind.DISTRIBUTION]} == {"7.10.1-2", "7.10.2-2"}
    assert {r.table.number for r in by_kind[Kind.FEDERATED]} == {"7.10.1-3", "7.10.2-3"}
    assert [r.use_case for r in rows_in_table("7.10.1-1")] == [
        "Split AI/ML image recognition",
        "Enhanced media recognition",
        "Split control for robotics",
    ]
    assert rows_in_table("7.10-1") == ()


def test_no_row_claims_a_model_the_tables_do_not_name() -> None:
    assert all(r.model.name is None for r in PUBLISHED_KPIS)
    for name in embedded_names():
        assert rows_for_model(name) == ()
    bit_depths = {r.model.bit_depth for r in rows_in_table("7.10.2-1")}
    assert bit_depths == {None, 8, 32}


def test_rows_for_model_matches_embedded_names(monkeypatch: pytest.MonkeyPatch) -> None:
    base = _row("Split AI/ML image recognition")
    named = {
        "resnet50": dataclasses.replace(base, model=PublishedModel(name="ResNet-50")),
        "vgg19": dataclasses.replace(base, model=PublishedModel(name="VGG 19")),
    }
    monkeypatch.setattr(published, "PUBLISHED_KPIS", (base, *named.values()))
    assert model_key("ZFNet-512") == "zfnet512" and "zfnet512" in LIGHT
    for name, row in named.items():
        assert name in LIGHT
        assert rows_for_model(name) == (row,)
    assert rows_for_model("alexnet") == ()


def test_rows_are_frozen() -> None:
    row = PUBLISHED_KPIS[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.use_case = "changed"  # type: ignore[misc]
    assert link(Direction.UPLINK).figures() == ()
