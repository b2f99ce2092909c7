from __future__ import annotations

import numpy as np
import pytest

from ts26927.engine.federated import mlp
from ts26927.engine.federated.data import Partition, digits, partition


def test_digits_split_is_deterministic_and_disjoint() -> None:
    train, test = digits()
    again, _ = digits()
    assert len(train) + len(test) == 1797 and len(test) == 360
    np.testing.assert_array_equal(train.labels, again.labels)
    assert train.features.dtype == np.float32 and train.features.max() <= 1.0


@pytest.mark.parametrize("kind", list(Partition))
def test_partitions_cover_every_sample_once(kind: Partition) -> None:
    train, _ = digits()
    parts = partition(train, 10, kind, seed=3)
    rows = np.concatenate([p.features for p in parts])
    assert len(rows) == len(train)
    assert len({r.tobytes() for r in rows}) == len({r.tobytes() for r in train.features})


def test_label_skew_gives_each_client_few_classes_and_iid_many() -> None:
    train, _ = digits()
    skewed = [len(set(p.labels)) for p in partition(train, 10, Partition.LABEL_SKEW)]
    iid = [len(set(p.labels)) for p in partition(train, 10, Partition.IID)]
    assert max(skewed) <= 4 and min(iid) == 10


def test_partition_refuses_impossible_client_counts() -> None:
    train, _ = digits()
    with pytest.raises(ValueError, match="clients must be in"):
        partition(train, 0, Partition.IID)


def test_training_lowers_the_loss_and_leaves_the_input_alone() -> None:
    train, test = digits()
    start = mlp.initial_parameters(0)
    before = {k: v.copy() for k, v in start.items()}
    trained = mlp.train(start, train, epochs=3, batch_size=16, learning_rate=0.3, seed=1)
    acc0, loss0 = mlp.evaluate(start, test)
    acc1, loss1 = mlp.evaluate(trained, test)
    assert loss1 < loss0 and acc1 > 90 > acc0
    for name in start:
        np.testing.assert_array_equal(start[name], before[name])


def test_evaluate_refuses_empty_data() -> None:
    train, _ = digits()
    with pytest.raises(ValueError, match="empty"):
        mlp.evaluate(mlp.initial_parameters(), train.subset(np.array([], dtype=int)))
