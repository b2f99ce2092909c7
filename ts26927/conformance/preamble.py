"""The preamble a case's runner sends: the case's params plus the digests of the model
fixtures they name (the catalogue of states is :mod:`ts26927.bindings.preambles`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ts26927.bindings.preambles import MODEL_SHA256

from .fixtures.models import model_fixture


def with_fixture_digests(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` plus ``modelSha256`` of the model fixture it names, if any."""
    out = dict(params)
    if isinstance(params.get("model"), str):
        out[MODEL_SHA256] = model_fixture(params["model"]).sha256
    return out
