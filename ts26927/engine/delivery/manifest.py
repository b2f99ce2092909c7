"""The model manifest (5.2.2.2.2 step 1): building entries and reading their update chains.

In an entry, a variant without ``updateOf`` is usable on its own (a *root*); an update
names the variant it applies to. Reading a manifest from the wire, the UE needs for any
variant the path from its root (what to download first) and the updates that can follow
it. The model type checks that ``updateOf`` names a variant of the same entry; the chains
themselves — no cycles, a composition on every update, none on a root — are checked here,
with :class:`~ts26927.errors.ManifestError` naming the entry and the variant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ts26927.errors import ManifestError, NotInRepositoryError
from ts26927.models.messages.adaptive import ManifestEntry, ModelManifest, ModelVariant
from ts26927.models.model_information import AiModelInformation


@dataclass(frozen=True)
class VariantPath:
    """A usable variant reached from its root: what a UE downloads and applies, in order."""

    entry: ManifestEntry
    steps: tuple[ModelVariant, ...]
    """The root first, then each update up to the variant."""
    later: tuple[ModelVariant, ...]
    """Updates that can follow, in order (one chain; the first child at each branch)."""

    @property
    def variant(self) -> ModelVariant:
        return self.steps[-1]

    @property
    def model_identifier(self) -> str:
        return self.entry.ai_model_information.model_identifier


def manifest_entry(
    information: AiModelInformation, variants: Sequence[ModelVariant]
) -> ManifestEntry:
    """An entry; adaptive when some variant is an update of another."""
    entry = ManifestEntry(
        ai_model_information=information,
        adaptive=any(v.update_of is not None for v in variants),
        variants=list(variants),
    )
    check_entry(entry)
    return entry


def check_entry(entry: ManifestEntry) -> None:
    """Refuse update chains that loop or updates that do not say how they compose."""
    name = entry.ai_model_information.model_identifier
    by_id = {v.variant_identifier: v for v in entry.variants}
    for variant in entry.variants:
        if variant.update_of is None and variant.composition is not None:
            raise ManifestError(
                name,
                f"variant {variant.variant_identifier} is usable on its own but has a composition",
            )
        if variant.update_of is not None and variant.composition is None:
            raise ManifestError(
                name, f"update {variant.variant_identifier} does not say how it composes"
            )
        seen = {variant.variant_identifier}
        current = variant
        while current.update_of is not None:
            if current.update_of in seen:
                raise ManifestError(
                    name, f"the updates of {variant.variant_identifier} loop back on themselves"
                )
            seen.add(current.update_of)
            current = by_id[current.update_of]


def find_entry(manifest: ModelManifest, model: str) -> ManifestEntry:
    for entry in manifest.models:
        if entry.ai_model_information.model_identifier == model:
            return entry
    known = [e.ai_model_information.model_identifier for e in manifest.models]
    raise NotInRepositoryError("model in the manifest", model, known)


def find_variant(entry: ManifestEntry, variant: str) -> ModelVariant:
    for candidate in entry.variants:
        if candidate.variant_identifier == variant:
            return candidate
    known = [v.variant_identifier for v in entry.variants]
    raise NotInRepositoryError("variant", variant, known)


def path_to(entry: ManifestEntry, variant: str) -> VariantPath:
    """The root-to-``variant`` path and the updates after it."""
    check_entry(entry)
    by_id = {v.variant_identifier: v for v in entry.variants}
    steps = [find_variant(entry, variant)]
    while steps[0].update_of is not None:
        steps.insert(0, by_id[steps[0].update_of])
    later: list[ModelVariant] = []
    current = steps[-1]
    while children := [v for v in entry.variants if v.update_of == current.variant_identifier]:
        current = children[0]
        later.append(current)
    return VariantPath(entry, tuple(steps), tuple(later))


def paths(entry: ManifestEntry) -> list[VariantPath]:
    """A path to every variant of the entry, in the entry's order."""
    return [path_to(entry, v.variant_identifier) for v in entry.variants]
