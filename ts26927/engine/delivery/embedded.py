"""The repository of the embedded models: the trained digits classifier and the model-zoo
topologies shipped inside the onnx package, with deterministic weights. Nothing is
downloaded; each model is built on first use."""

from __future__ import annotations

from ts26927.engine.delivery.encoder import AdaptiveOptions
from ts26927.engine.delivery.evaluation import digits_evaluation
from ts26927.engine.delivery.repository import ModelRepository, ModelSource
from ts26927.engine.embedded.zoo import DIGITS, LIGHT, embedded_model
from ts26927.engine.onnxtools.limits import ModelLimits


def embedded_repository(
    *,
    seed: int = 0,
    names: list[str] | None = None,
    options: AdaptiveOptions | None = None,
    limits: ModelLimits | None = None,
) -> ModelRepository:
    """A repository holding the embedded models (or the ``names`` among them)."""
    repository = ModelRepository(options=options, limits=limits)
    for name in names if names is not None else [DIGITS, *LIGHT]:
        repository.register(_source(name, seed))
    return repository


def _source(name: str, seed: int) -> ModelSource:
    if name == DIGITS:
        return ModelSource(
            DIGITS,
            "trained classifier (accuracy measured on its held-out test set)",
            lambda: embedded_model(DIGITS),
            evaluation=digits_evaluation,
        )
    if name not in LIGHT:
        embedded_model(name)  # raises UnknownModelError naming the embedded models
    return ModelSource(
        name,
        f"model-zoo topology (onnx package), deterministic weights (seed {seed})",
        lambda: embedded_model(name, random_weights=True, seed=seed),
        topology=lambda: embedded_model(name),
    )
