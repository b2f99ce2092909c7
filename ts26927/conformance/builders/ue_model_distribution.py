"""Builders of AI/ML model distribution (5.3.6) against a UE: the test system plays the Media
AF and Media AS (the provider's steps reuse :mod:`.model_distribution`). It gives the
service access information, then delivers the model fixture — or, on purpose, a model the
announcement never listed."""

from __future__ import annotations

from ts26927.engine.onnxtools.digest import sha256

from ..context import CaseContext
from ..fixtures.models import model_fixture
from ..truth import truth
from .registry import Built, builder

MANIFEST = "https://af.example.com/ai/p-1/manifest.json"


def _name(ctx: CaseContext) -> str:
    return str(ctx.params["model"])


@builder("network-distribution/access")
def _access(ctx: CaseContext) -> Built:
    """The Media AF's service access information (6): the provisioned model, described from
    ground truth, and where its manifest is."""
    return {
        "provisioningSessionId": "p-1",
        "aiModels": [truth(_name(ctx)).ai_model_information()],
        "manifestLocation": MANIFEST,
    }, {}


@builder("network-distribution/delivery-unannounced")
def _unannounced(ctx: CaseContext) -> Built:
    """The network misbehaves: it delivers, intact, a model under an identifier that the
    service access information never announced."""
    data = model_fixture(_name(ctx)).data
    return {
        "modelIdentifier": f"{_name(ctx)}-unannounced",
        "size": len(data),
        "sha256": sha256(data),
    }, {"model": data}
