"""The reference UE's tests build the embedded digits model (media, sub-models) once per
process, before the first test, so that no test's timing includes training it."""

from __future__ import annotations

import pytest

from ts26927.engine.split.service import digits_service


@pytest.fixture(scope="package", autouse=True)
def _digits_built() -> None:
    digits_service()
