"""Shared, session-wide fixtures: the embedded classifier's repository and its chain."""

from __future__ import annotations

import pytest

from ts26927.engine.delivery.embedded import embedded_repository
from ts26927.engine.delivery.encoder import AdaptiveEncoding
from ts26927.engine.delivery.repository import ModelRepository


@pytest.fixture(scope="session")
def digits_repository() -> ModelRepository:
    repository = embedded_repository(names=["digits"])
    repository.variants("digits")  # encode, check and measure once
    return repository


@pytest.fixture(scope="session")
def digits_chain(digits_repository: ModelRepository) -> AdaptiveEncoding:
    return digits_repository.adaptive("digits")
