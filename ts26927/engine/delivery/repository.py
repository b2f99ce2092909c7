"""The AI model repository (clause 5.2.2.1): models, their computed metadata and variants.

A model enters from an ONNX ``ModelProto``, from bytes received over the wire or from a
file; bytes and files go through :func:`~ts26927.engine.onnxtools.loading.load_model` (size limits,
the ONNX checker, external data confined to the model's folder). Models may also be
registered lazily (the embedded models), and are then built on first use.

The repository keeps each model in canonical form (float32 weights as raw little-endian
data, see :func:`~ts26927.engine.delivery.encoder.canonical`): that file is the full
variant, its SHA-256 identifies the model's content, and the adaptive chain rebuilds it bit
for bit. Identifiers are names, or that SHA-256 when none is given (the TR allows both);
lookups accept either.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import onnx

from ts26927.engine.delivery.encoder import (
    AdaptiveEncoding,
    AdaptiveOptions,
    canonical,
    encode_adaptive,
)
from ts26927.engine.delivery.evaluation import EvaluationSet
from ts26927.engine.delivery.manifest import manifest_entry
from ts26927.engine.delivery.metadata import model_information
from ts26927.engine.delivery.variants import VariantData, full_variant, level_variants
from ts26927.engine.delivery.variants import variant_identifier as variant_id
from ts26927.engine.onnxtools.analysis import SplitAnalysis, analyze
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.engine.onnxtools.loading import load_model
from ts26927.errors import NotInRepositoryError, RepositoryError
from ts26927.models.messages.adaptive import ManifestEntry, ModelManifest
from ts26927.models.model_information import AiModelInformation

#: Names usable in URIs and variant identifiers (a SHA-256 in hex is one).
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_BASE_URI = "urn:ts26927:repository:"


@dataclass(frozen=True)
class ModelSource:
    """How the repository obtains a model, on first use."""

    identifier: str
    kind: str
    load: Callable[[], onnx.ModelProto]
    evaluation: Callable[[], EvaluationSet] | None = None
    topology: Callable[[], onnx.ModelProto] | None = None
    """The same graph with cheaper weights (e.g. constant fills), for summaries."""


@dataclass(frozen=True)
class StoredModel:
    """A model held by the repository, in canonical form, with its 6.6.2 information."""

    identifier: str
    kind: str
    model: onnx.ModelProto = field(repr=False)
    data: bytes = field(repr=False)
    sha256: str
    analysis: SplitAnalysis = field(repr=False)
    information: AiModelInformation
    evaluation: EvaluationSet | None = field(repr=False)


@dataclass(frozen=True)
class ModelSummary:
    """What a listing shows without building the model's variants."""

    identifier: str
    kind: str
    parameters: int | None
    macs: int
    accuracy: float | None


class ModelRepository:
    """Models by identifier, built and checked on first use, then cached."""

    def __init__(
        self,
        *,
        base_uri: str = DEFAULT_BASE_URI,
        options: AdaptiveOptions | None = None,
        limits: ModelLimits | None = None,
    ) -> None:
        self.base_uri = base_uri
        self.options = options or AdaptiveOptions()
        self.limits = limits or ModelLimits()
        self._sources: dict[str, ModelSource] = {}
        self._stored: dict[str, StoredModel] = {}
        self._levels: dict[str, list[VariantData]] = {}
        self._encodings: dict[str, AdaptiveEncoding] = {}
        self._lazy: set[str] = set()

    # -- adding models -------------------------------------------------------------------
    def register(self, source: ModelSource) -> None:
        """Add a model that is built on first use."""
        self._claim(source.identifier)
        self._sources[source.identifier] = source
        self._lazy.add(source.identifier)

    def add(
        self,
        model: onnx.ModelProto | bytes | str | os.PathLike[str],
        *,
        identifier: str | None = None,
        evaluation: EvaluationSet | None = None,
        kind: str = "",
    ) -> str:
        """Add a model now (checked, canonical, metadata computed); returns its identifier.

        Without ``identifier`` the model is named by the SHA-256 of its canonical file.
        """
        if isinstance(model, onnx.ModelProto):
            loaded, origin = model, kind or "model"
        elif isinstance(model, bytes):
            loaded, origin = load_model(model, limits=self.limits), kind or "model from bytes"
        else:
            loaded, origin = load_model(model, limits=self.limits), kind or f"file {Path(model)}"
        if identifier is None:
            identifier = hashlib.sha256(
                canonical(loaded, "<unnamed>").SerializeToString()
            ).hexdigest()
        self._claim(identifier)
        source = ModelSource(identifier, origin, lambda: loaded)
        stored = self._build(source, evaluation)
        self._sources[identifier] = source
        self._stored[identifier] = stored
        return identifier

    # -- lookups -------------------------------------------------------------------------
    def identifiers(self) -> list[str]:
        return list(self._sources)

    def resolve(self, key: str) -> str:
        """The identifier of a model named ``key`` or whose canonical file has SHA-256 ``key``."""
        if key in self._sources:
            return key
        if _SHA256.fullmatch(key):
            for identifier in self._sources:
                if self.get(identifier).sha256 == key:
                    return identifier
        raise NotInRepositoryError("model", key, self.identifiers())

    def get(self, key: str) -> StoredModel:
        """The stored model (built and checked on first use)."""
        identifier = self.resolve(key) if key not in self._stored else key
        if identifier not in self._stored:
            source = self._sources[identifier]
            evaluation = source.evaluation() if source.evaluation else None
            self._stored[identifier] = self._build(source, evaluation)
        return self._stored[identifier]

    def information(self, key: str) -> AiModelInformation:
        return self.get(key).information

    def summary(self, key: str) -> ModelSummary:
        """Parameters and compute from the model's topology, without building it."""
        identifier = self.resolve(key)
        source = self._sources[identifier]
        if identifier in self._stored:
            analysis = self._stored[identifier].analysis
            accuracy = self._stored[identifier].information.accuracy
        else:
            model = (source.topology or source.load)()
            analysis = analyze(model, label=identifier, limits=self.limits)
            accuracy = None
            if source.evaluation is not None:
                accuracy = source.evaluation().accuracy(model, label=identifier)
        whole = analysis.whole
        return ModelSummary(identifier, source.kind, whole.parameters, whole.macs, accuracy)

    def variants(self, key: str, *, adaptive: bool = True) -> list[VariantData]:
        """The model file, then its adaptive levels (encoded, checked and measured once)."""
        stored = self.get(key)
        identifier, macs = stored.identifier, stored.analysis.whole.macs
        full = full_variant(
            identifier, stored.model, stored.data, macs, self.base_uri, stored.information.accuracy
        )
        if not adaptive:
            return [full]
        if identifier not in self._levels:
            self._levels[identifier] = level_variants(
                identifier,
                macs,
                self.adaptive(identifier),
                self.base_uri,
                stored.evaluation,
                self.limits,
            )
        return [full, *self._levels[identifier]]

    def variant(self, key: str, variant_identifier: str) -> VariantData:
        full_only = variant_identifier == variant_id(self.resolve(key), None)
        found = {v.identifier: v for v in self.variants(key, adaptive=not full_only)}
        if variant_identifier not in found:
            raise NotInRepositoryError("variant", variant_identifier, list(found))
        return found[variant_identifier]

    def adaptive(self, key: str) -> AdaptiveEncoding:
        """Every package of the model's adaptive chain (encoded once)."""
        stored = self.get(key)
        if stored.identifier not in self._encodings:
            self._encodings[stored.identifier] = encode_adaptive(
                stored.model, stored.identifier, self.options
            )
        return self._encodings[stored.identifier]

    def entry(self, key: str, *, adaptive: bool = True) -> ManifestEntry:
        """The model's manifest entry; without ``adaptive``, its model file only."""
        variants = self.variants(key, adaptive=adaptive)
        return manifest_entry(self.get(key).information, [v.variant for v in variants])

    def manifest(
        self,
        keys: Iterable[str] | None = None,
        *,
        adaptive: bool = True,
        manifest_id: str = "ts26927-repository",
    ) -> ModelManifest:
        """The 5.2.2.2.2 step 1 manifest of the given models (default: all)."""
        chosen = list(keys) if keys is not None else self.identifiers()
        entries = [self.entry(k, adaptive=adaptive) for k in chosen]
        return ModelManifest(manifest_id=manifest_id, models=entries)

    def release(self, key: str) -> None:
        """Drop what was built for a lazily registered model; it is rebuilt on next use.

        Models added directly stay: their source is the only copy.
        """
        identifier = self.resolve(key)
        if identifier not in self._lazy:
            return
        for cache in (self._stored, self._levels, self._encodings):
            cache.pop(identifier, None)

    # -- internals -----------------------------------------------------------------------
    def _claim(self, identifier: str) -> None:
        if not _NAME.fullmatch(identifier):
            raise RepositoryError(
                identifier,
                "identifiers are 1 to 200 letters, digits, '.', '_' or '-', starting with a "
                "letter or digit",
            )
        if identifier in self._sources:
            raise RepositoryError(identifier, "a model with this identifier is already held")

    def _build(self, source: ModelSource, evaluation: EvaluationSet | None) -> StoredModel:
        model = canonical(source.load(), source.identifier)
        data = model.SerializeToString()
        # Whatever its origin, a model passes every check of a model from the wire before
        # it is listed (size limits, declared sizes, the ONNX checker).
        load_model(data, limits=self.limits)
        analysis = analyze(model, label=source.identifier, limits=self.limits)
        accuracy = None if evaluation is None else evaluation.accuracy(model)
        information = model_information(
            model,
            source.identifier,
            size_bytes=len(data),
            accuracy=accuracy,
            analysis=analysis,
            limits=self.limits,
        )
        return StoredModel(
            identifier=source.identifier,
            kind=source.kind,
            model=model,
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            analysis=analysis,
            information=information,
            evaluation=evaluation,
        )
