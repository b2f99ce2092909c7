"""UE mutants and legal UE variants of adaptive model delivery (5.2.2.2.2): the reference
UE with one defect each, and with other choices the TR allows."""

from __future__ import annotations

import copy
from typing import Any

from ts26927.bindings.base import Output
from ts26927.bindings.reference import ReferenceImplementation, ReferenceOptions
from ts26927.bindings.reference.ue_adaptive_delivery import UeAdaptiveDelivery
from ts26927.engine.delivery.package import read_header
from ts26927.models.messages.adaptive import ManifestEntry, ModelVariant, Precision
from ts26927.models.messages.common import DeliverySessionSetup, ModelDataDelivery

from ..mutants import Mutant, MutantSpec
from ..variants import VariantSpec

FLOW = "adaptive-model-delivery"
_KEY = (FLOW, "UE")
_MAIN = "5.2.2.2.2-adaptive-model-delivery-003"
_TAMPERED = "5.2.2.2.2-adaptive-model-delivery-004"
_FOREIGN = "5.2.2.2.2-adaptive-model-delivery-005"


def _install(implementation: ReferenceImplementation, player: type[UeAdaptiveDelivery]) -> None:
    implementation.players[_KEY] = lambda p, o: player(p, new_session=o.adaptive_ue_new_session)


def _mutant(player: type[UeAdaptiveDelivery]) -> Mutant:
    mutant = Mutant()
    _install(mutant, player)
    return mutant


# -- mutants -----------------------------------------------------------------------------
class _AcceptsTampered(UeAdaptiveDelivery):
    """Takes whatever bytes arrive: no size or SHA-256 verification."""

    def verify(
        self, delivery: ModelDataDelivery, wanted: ModelVariant, data: bytes | None
    ) -> str | None:
        return None if data is not None else "no package"


class _SkipsUpdate(UeAdaptiveDelivery):
    """Checks each update but keeps running (and reporting) the level it had."""

    def refine(self, data: bytes) -> bytes:
        if self.progressive is None:
            return super().refine(data)
        held = self.progressive.to_bytes()
        super().refine(data)
        return held


class _BaseOutput(UeAdaptiveDelivery):
    """Applies every update, but its inference engine keeps running the base."""

    base: bytes | None = None

    def refine(self, data: bytes) -> bytes:
        model = super().refine(data)
        self.base = self.base or model
        return model

    def _infer(self, model: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
        return super()._infer(self.base or model)


class _UnlistedVariant(UeAdaptiveDelivery):
    """Asks for an INT4 base the manifest does not list."""

    def select(self, entry: ManifestEntry) -> ModelVariant | None:
        chosen = super().select(entry)
        if chosen is None:
            return None
        return chosen.model_copy(
            update={"variant_identifier": f"{self.model}-int4", "precision": Precision.INT4}
        )


class _UpdateFirst(UeAdaptiveDelivery):
    """Asks for the first update package as if it were a model usable on its own."""

    def select(self, entry: ManifestEntry) -> ModelVariant | None:
        chosen = super().select(entry)
        updates = [v for v in entry.variants if chosen and v.update_of == chosen.variant_identifier]
        return updates[0] if updates else chosen


class _ForeignUpdate(UeAdaptiveDelivery):
    """Applies an update without checking that it updates the package it holds."""

    def refine(self, data: bytes) -> bytes:
        if self.progressive is not None:
            header, _ = read_header(data, "update")
            held = copy.copy(self.progressive)
            held.digest = header.parent_sha256 or held.digest
            self.progressive = held
        return super().refine(data)


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "ue-accepts-tampered-package",
        "UE: accepts a refinement level whose bytes do not have the announced SHA-256",
        lambda: _mutant(_AcceptsTampered),
        _TAMPERED,
        "6",
    ),
    MutantSpec(
        "ue-skips-refinement",
        "UE: takes each precision update but goes on running the level it had",
        lambda: _mutant(_SkipsUpdate),
        _MAIN,
        "12",
    ),
    MutantSpec(
        "ue-base-output",
        "UE: reports the base model's inference output after an update",
        lambda: _mutant(_BaseOutput),
        _MAIN,
        "10",
    ),
    MutantSpec(
        "ue-unlisted-variant",
        "UE: requests a variant (INT4) the manifest does not list",
        lambda: _mutant(_UnlistedVariant),
        _MAIN,
        "3",
    ),
    MutantSpec(
        "ue-update-as-model",
        "UE: requests an update package as its first model",
        lambda: _mutant(_UpdateFirst),
        _MAIN,
        "3",
    ),
    MutantSpec(
        "ue-applies-foreign-update",
        "UE: applies a refinement level made for another base",
        lambda: _mutant(_ForeignUpdate),
        _FOREIGN,
        "6",
    ),
)


# -- legal variants ----------------------------------------------------------------------
class _PlainSessions(UeAdaptiveDelivery):
    """Names its delivery sessions its own way and leaves the variant out of the setup
    (optional: the request already named it)."""

    def _session(self, variant: ModelVariant) -> Output:
        self.sessions += 1
        setup = DeliverySessionSetup(
            delivery_session_id=f"acme-dl-{self.sessions:04d}", model_identifier=self.model
        )
        return Output("5", setup.to_wire())


def _plain_sessions(options: ReferenceOptions) -> ReferenceImplementation:
    implementation = ReferenceImplementation(options)
    _install(implementation, _PlainSessions)
    return implementation


VARIANTS: tuple[VariantSpec, ...] = (
    VariantSpec(
        "ue-new-delivery-session",
        "UE: establishes a new delivery session (step 5) for each precision update instead "
        "of reusing the open one",
        ReferenceOptions(adaptive_ue_new_session=True),
        (FLOW,),
    ),
    VariantSpec(
        "ue-own-session-setup",
        "UE: names its delivery sessions its own way, without the (optional) variant",
        ReferenceOptions(),
        (FLOW,),
        factory=_plain_sessions,
    ),
)
