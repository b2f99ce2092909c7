"""Implementation extra information for testing (IXIT): the choices the TR leaves open that
an implementation declares, so that checks verify *its* rule rather than the reference's.

An implementation declares its IXIT beside its capabilities (its ICS): in
``ImplementationInfo.ixit`` in process, or in the ``implementation.ixit`` object of its
answer to ``start`` over the harness protocol. An item it leaves out takes its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ts26927.errors import IxitError


@dataclass(frozen=True)
class IxitItem:
    name: str
    clause: str
    description: str
    default: Any
    values: tuple[str, ...] = ()
    """The allowed values of an enumerated item (empty: a number)."""
    minimum: float | None = None
    maximum: float | None = None

    def check(self, value: Any) -> Any:
        if self.values:
            if value not in self.values:
                raise IxitError(f"IXIT {self.name}: {value!r} is not one of {list(self.values)}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise IxitError(f"IXIT {self.name}: {value!r} is not a number")
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise IxitError(
                f"IXIT {self.name}: {value!r} is not in [{self.minimum}, {self.maximum}]"
            )
        return float(value)


AGGREGATION_RULES = ("FEDAVG", "FEDAVG_SERVER_STEP", "MEDIAN", "TRIMMED_MEAN", "OTHER")

ITEMS: tuple[IxitItem, ...] = (
    IxitItem(
        "federatedAggregation",
        "5.2.4.2 step 16",
        "How the Federated Learning Engine aggregates the training results into the new "
        "global model (the TR does not say). FEDAVG: the mean of the updates weighted by "
        "their numberOfTrainingSamples, an update without one weighing 1 (McMahan et al. "
        "2017). FEDAVG_SERVER_STEP: the "
        "previous global model moved by federatedServerStepSize times the FedAvg step "
        "(Reddi et al. 2021, server SGD). MEDIAN: the coordinate-wise median. "
        "TRIMMED_MEAN: the coordinate-wise mean after dropping federatedTrimFraction of the "
        "values at each end (Yin et al. 2018). OTHER: any other rule; the suite then checks "
        "only what the TR requires of every rule (same parameters and shapes, finite "
        "values, announced for the next round) and says so in the report.",
        "OTHER",
        values=AGGREGATION_RULES,
    ),
    IxitItem(
        "federatedServerStepSize",
        "5.2.4.2 step 16",
        "With FEDAVG_SERVER_STEP: the server step size (1.0 is plain FEDAVG).",
        1.0,
        minimum=0.0,
        maximum=10.0,
    ),
    IxitItem(
        "federatedTrimFraction",
        "5.2.4.2 step 16",
        "With TRIMMED_MEAN: the fraction of values dropped at each end, in [0, 0.5).",
        0.2,
        minimum=0.0,
        maximum=0.499,
    ),
)

_BY_NAME = {item.name: item for item in ITEMS}


def resolve(declared: Mapping[str, Any]) -> dict[str, Any]:
    """Every item's value: the declared one (checked) or the default; IxitError names an
    unknown item or a value out of range."""
    if unknown := sorted(set(declared) - set(_BY_NAME)):
        raise IxitError(f"unknown IXIT item {unknown[0]!r}; the items are {sorted(_BY_NAME)}")
    return {
        item.name: item.check(declared[item.name]) if item.name in declared else item.default
        for item in ITEMS
    }
