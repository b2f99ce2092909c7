"""Manifests written by hand, for selection and update tests that need no encoding."""

from __future__ import annotations

from typing import Any

from ts26927.models.messages.adaptive import ManifestEntry, ModelManifest

PACKAGE = {"name": "TS26927_ADAPTIVE_PACKAGE", "version": "1"}


def entry(
    model: str,
    *,
    memory: float = 10.0,
    flops: float = 1e9,
    accuracy: float = 80.0,
    size: float = 10.0,
    onnx: str = "1.4.1",
    adaptive: bool = True,
) -> dict[str, Any]:
    """A model of ``size`` MB with a full variant and, if adaptive, an int8/int16/fp32 chain."""
    location = f"urn:test:{model}"
    variants: list[dict[str, Any]] = [
        {
            "variantIdentifier": f"{model}-full",
            "precision": "FLOAT32",
            "modelSize": size,
            "accuracy": accuracy,
            "location": location,
        }
    ]
    if adaptive:
        previous = None
        for suffix, share, loss in (("int8", 0.2, 0.5), ("int16", 0.25, 0.0), ("fp32", 0.45, 0.0)):
            variant: dict[str, Any] = {
                "variantIdentifier": f"{model}-{suffix}",
                "precision": {"int8": "INT8", "int16": "INT16", "fp32": "FLOAT32"}[suffix],
                "modelSize": size * share,
                "accuracy": accuracy - loss,
                "location": location,
                "dataFormat": PACKAGE,
            }
            if previous:
                variant |= {"updateOf": previous, "composition": "ADDITIVE"}
            variants.append(variant)
            previous = variant["variantIdentifier"]
    return {
        "aiModelInformation": {
            "modelIdentifier": model,
            "accuracy": accuracy,
            "formatFramework": [{"name": "ONNX", "version": onnx}],
            "processingCapabilities": {"computationalCost": flops, "memory": memory},
        },
        "adaptive": adaptive,
        "variants": variants,
    }


def manifest(*entries: dict[str, Any]) -> ModelManifest:
    return ModelManifest.from_wire({"manifestId": "test", "models": list(entries)})


def one(data: dict[str, Any]) -> ManifestEntry:
    return ManifestEntry.from_wire(data)
