"""The federated learning data: scikit-learn's bundled digits, split across simulated UEs.

Nothing is downloaded: the 1797 8x8 images ship inside scikit-learn. Pixels are scaled to
0..1. A fixed share is held out as the global test set, never seen by any client.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Partition(StrEnum):
    IID = "iid"
    LABEL_SKEW = "label-skew"


@dataclass(frozen=True)
class Dataset:
    features: np.ndarray
    """float32 (N, 64), pixel values 0..1."""
    labels: np.ndarray
    """int64 (N,)."""

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index: np.ndarray) -> Dataset:
        return Dataset(self.features[index], self.labels[index])


def digits(test_fraction: float = 0.2, seed: int = 0) -> tuple[Dataset, Dataset]:
    """(train, test) split of the digits data, stratified and deterministic."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y
    )
    scale = np.float32(1 / 16)
    return (
        Dataset((x_train * scale).astype(np.float32), y_train.astype(np.int64)),
        Dataset((x_test * scale).astype(np.float32), y_test.astype(np.int64)),
    )


def partition(data: Dataset, clients: int, kind: Partition, seed: int = 0) -> list[Dataset]:
    """Split ``data`` across ``clients``: IID (shuffled, equal shares) or label-skewed (each
    client holds two shards sorted by label, so mostly two classes — McMahan et al. 2017)."""
    if clients < 1 or clients > len(data):
        raise ValueError(f"clients must be in 1..{len(data)}, got {clients}")
    rng = np.random.default_rng(seed)
    if kind is Partition.IID:
        order = rng.permutation(len(data))
        return [data.subset(part) for part in np.array_split(order, clients)]
    order = np.argsort(data.labels, kind="stable")
    shards = np.array_split(order, 2 * clients)
    picks = rng.permutation(len(shards))
    return [
        data.subset(np.concatenate([shards[picks[2 * i]], shards[picks[2 * i + 1]]]))
        for i in range(clients)
    ]
