"""Model distribution (7.2): sizes are the delivered bytes; rates, times, volumes follow."""

from __future__ import annotations

import pytest

from ts26927.engine.delivery.embedded import embedded_repository
from ts26927.engine.delivery.repository import ModelRepository
from ts26927.traffic.distribution import (
    DistributionScenario,
    DistributionTraffic,
    distribution_traffic,
)

SCENARIO = DistributionScenario(link_mbps=(1.0, 20.0), deadline_s=0.5, ues=7)

Digits = tuple[ModelRepository, DistributionTraffic]


@pytest.fixture(scope="module")
def digits() -> Digits:
    repository = embedded_repository(names=["digits"])
    return repository, distribution_traffic(repository, "digits", SCENARIO)


def test_one_row_per_variant_with_its_real_size(digits: Digits) -> None:
    repository, result = digits
    variants = repository.variants("digits")
    assert [v.identifier for v in result.variants] == [v.identifier for v in variants]
    for row, variant in zip(result.variants, variants, strict=True):
        assert row.burst_bytes == len(variant.data)
    formats = {row.data_format.split()[0] for row in result.variants}
    assert formats == {"ONNX", "TS26927_ADAPTIVE_PACKAGE"}


def test_an_adaptive_level_needs_every_package_below_it(digits: Digits) -> None:
    _, result = digits
    by_id = {row.identifier: row for row in result.variants}
    assert by_id["digits-full"].bytes_to_use == by_id["digits-full"].burst_bytes
    assert by_id["digits-int8"].bytes_to_use == by_id["digits-int8"].burst_bytes
    assert by_id["digits-fp32"].bytes_to_use == sum(
        by_id[i].burst_bytes for i in ("digits-int8", "digits-int16", "digits-fp32")
    )
    assert by_id["digits-int8"].accuracy is not None  # measured on held-out digits


def test_rates_times_and_volumes_follow_from_the_sizes(digits: Digits) -> None:
    _, result = digits
    for row in result.variants:
        bits = row.bytes_to_use * 8
        assert row.required_mbps * 1e6 * SCENARIO.deadline_s == pytest.approx(bits)
        for rate, seconds in row.delivery_s.items():
            assert seconds * rate * 1e6 == pytest.approx(bits)
        assert row.unicast_bytes == SCENARIO.ues * row.bytes_to_use
        assert row.shared_bytes == row.bytes_to_use


@pytest.mark.parametrize(
    "kwargs", [{"link_mbps": (0.0,)}, {"link_mbps": ()}, {"deadline_s": -1.0}, {"ues": 0}]
)
def test_bad_scenarios_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        DistributionScenario(**kwargs)  # type: ignore[arg-type]
