"""Model distribution (clause 7.2): what delivering a model costs, per variant the engine builds.

The variants are the delivery engine's own (:meth:`ModelRepository.variants`): the canonical
ONNX model file (generic delivery, clause 5.2.2.2.1) and each level of the adaptive model
(clause 5.2.2.2.2: INT8 base, then INT16 and FLOAT32 updates). Sizes are the byte lengths of
the bytes the engine would deliver.

* Burst size: the bytes of one variant, delivered as one transfer.
* Bytes to use: what a UE must receive before it can run the variant; for an adaptive level,
  every package from the base up to it (each level updates the one before).
* Required rate: bytes to use x 8 / deadline; delivery time: bytes to use x 8 / link rate
  (serialisation only, no protocol overhead, no latency).
* N UEs: unicast sends one copy per UE; a shared (multicast/broadcast) delivery sends one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ts26927.engine.delivery.repository import ModelRepository
from ts26927.engine.delivery.variants import VariantData
from ts26927.traffic import rates


@dataclass(frozen=True)
class DistributionScenario:
    link_mbps: tuple[float, ...] = (10.0, 50.0, 100.0, 1000.0)
    deadline_s: float = 10.0
    ues: int = 100

    def __post_init__(self) -> None:
        if not self.link_mbps or any(not r > 0 for r in self.link_mbps):
            raise ValueError(f"link rates must be positive, not {list(self.link_mbps)}")
        if not self.deadline_s > 0:
            raise ValueError(f"deadline_s must be positive, not {self.deadline_s}")
        if self.ues < 1:
            raise ValueError(f"ues must be at least 1, not {self.ues}")


@dataclass(frozen=True)
class VariantTraffic:
    identifier: str
    data_format: str
    precision: str
    update_of: str | None
    burst_bytes: int
    bytes_to_use: int
    accuracy: float | None
    """Accuracy measured on held-out data where the model has some (digits), in %."""
    required_mbps: float
    """Rate that delivers ``bytes_to_use`` within the deadline."""
    delivery_s: dict[float, float]
    """Delivery time of ``bytes_to_use`` at each link rate."""
    unicast_bytes: float
    shared_bytes: float


@dataclass(frozen=True)
class DistributionTraffic:
    model: str
    scenario: DistributionScenario
    variants: tuple[VariantTraffic, ...]


def distribution_traffic(
    repository: ModelRepository, model: str, scenario: DistributionScenario
) -> DistributionTraffic:
    """Delivery figures of every variant of ``model`` held by ``repository``."""
    variants = repository.variants(model)
    return DistributionTraffic(model, scenario, tuple(_rows(variants, scenario)))


def _rows(variants: Sequence[VariantData], scenario: DistributionScenario) -> list[VariantTraffic]:
    sizes = {v.identifier: len(v.data) for v in variants}
    parents = {v.identifier: v.variant.update_of for v in variants}
    rows = []
    for data in variants:
        variant = data.variant
        to_use = _bytes_to_use(data.identifier, sizes, parents)
        fmt = variant.data_format
        rows.append(
            VariantTraffic(
                identifier=data.identifier,
                data_format=f"{fmt.name} {fmt.version}" if fmt else "",
                precision=str(variant.precision.value) if variant.precision else "",
                update_of=variant.update_of,
                burst_bytes=sizes[data.identifier],
                bytes_to_use=to_use,
                accuracy=variant.accuracy,
                required_mbps=rates.rate_for_deadline_mbps(to_use, scenario.deadline_s),
                delivery_s={r: rates.delivery_s(to_use, r) for r in scenario.link_mbps},
                unicast_bytes=rates.unicast_bytes(to_use, scenario.ues),
                shared_bytes=rates.shared_bytes(to_use, scenario.ues),
            )
        )
    return rows


def _bytes_to_use(identifier: str, sizes: dict[str, int], parents: dict[str, str | None]) -> int:
    total, current = 0, identifier
    while current is not None:
        total += sizes[current]
        current = parents.get(current)
    return total
