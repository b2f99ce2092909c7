"""The test system's message builders, by name.

A case step performed by the test system names a builder, which makes the TS's message
(and its attachments: models, intermediate data units) with the suite's own code from the
case's data fixtures and from what the IUT announced so far — never from the reference
engine's choices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..context import CaseContext, CaseDataError
from ..fixtures.models import model_fixture

Built = tuple[dict[str, Any] | None, dict[str, bytes]]
Builder = Callable[[CaseContext], Built]
BUILDERS: dict[str, Builder] = {}


def builder(name: str) -> Callable[[Builder], Builder]:
    """Register a builder under ``name`` (a second builder of the same name is refused)."""

    def register(function: Builder) -> Builder:
        if name in BUILDERS:
            raise ValueError(f"builder {name!r} is already registered")
        BUILDERS[name] = function
        return function

    return register


def build(name: str, ctx: CaseContext) -> Built:
    try:
        function = BUILDERS[name]
    except KeyError:
        raise CaseDataError(f"{ctx.case_id}: unknown builder {name!r}") from None
    return function(ctx)


def sample(ctx: CaseContext) -> np.ndarray:
    """The media sample of the case: sample ``sample`` of the preamble's model fixture."""
    fixture = model_fixture(str(ctx.params["model"]))
    return fixture.sample(int(ctx.params.get("sample", 0)))
