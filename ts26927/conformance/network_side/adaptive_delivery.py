"""Network mutants of adaptive model delivery (5.2.2.2.2): the reference network whose
manifest (1) or refinement packages (6) do not rebuild the model they announce."""

from __future__ import annotations

from ts26927.bindings.base import Output
from ts26927.engine.onnxtools.digest import sha256

from ..mutants import Mutant, MutantSpec, _edit, _size_off_by_one


def _forged_last_level(output: Output) -> Output:
    """Damages the last refinement package but announces its true digest."""
    message = output.message or {}
    if not str(message.get("variantIdentifier", "")).endswith("-fp32"):
        return output
    data = bytearray(output.attachments["model"])
    data[len(data) // 2] ^= 0x01
    forged = {**message, "size": len(data), "sha256": sha256(bytes(data))}
    return Output(output.step, forged, {"model": bytes(data)})


def _misstated_full_model(output: Output) -> Output:
    """The manifest with the full model listed under another SHA-256."""
    manifest = dict(output.message or {})
    models = [dict(m) for m in manifest["models"]]
    models[0]["variants"] = [
        {**v, "sha256": sha256(b"another model")}
        if v.get("updateOf") is None and v.get("dataFormat", {}).get("name") == "ONNX"
        else v
        for v in models[0]["variants"]
    ]
    return Output(output.step, {**manifest, "models": models}, output.attachments)


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "forged-refinement",
        "delivers a damaged last precision level under a digest of its own",
        lambda: Mutant(_edit("6", _forged_last_level)),
        "5.2.2.2.2-adaptive-model-delivery-001",
        "6",
    ),
    MutantSpec(
        "adaptive-wrong-size",
        "delivers an adaptive package under a size one byte off",
        lambda: Mutant(_edit("6", _size_off_by_one)),
        "5.2.2.2.2-adaptive-model-delivery-001",
        "6",
    ),
    MutantSpec(
        "manifest-misstates-full-model",
        "lists the full model in its manifest under a SHA-256 the packages do not rebuild",
        lambda: Mutant(_edit("1", _misstated_full_model)),
        "5.2.2.2.2-adaptive-model-delivery-001",
        "6",
    ),
)
