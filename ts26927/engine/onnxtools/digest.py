"""Digests: bytes named by their SHA-256, as model deliveries and manifests announce them."""

from __future__ import annotations

import hashlib


def sha256(data: bytes) -> str:
    """The lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
