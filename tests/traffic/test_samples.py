"""Measurements run on real inputs: held-out digits, sample photos, else seeded data."""

from __future__ import annotations

import numpy as np

from ts26927.engine.embedded.digits import digits_classifier
from ts26927.engine.embedded.inputs import SAMPLE_PHOTOS, photo
from ts26927.engine.embedded.zoo import embedded_model
from ts26927.engine.onnxtools.analysis import analyze
from ts26927.traffic.samples import samples

from ..engine.builders import residual_model


def test_digits_are_held_out_test_images() -> None:
    analysis = analyze(embedded_model("digits"), label="digits")
    found = samples(analysis, count=3)
    assert len(found.feeds) == 3 and "held-out" in found.source
    expected = digits_classifier().test_inputs[:3]
    stacked = np.concatenate([f["pixels"] for f in found.feeds])
    np.testing.assert_array_equal(stacked, expected)


def test_image_models_get_every_sample_photo() -> None:
    analysis = analyze(embedded_model("squeezenet"), label="squeezenet")
    found = samples(analysis)
    assert len(found.feeds) == len(SAMPLE_PHOTOS)
    name = analysis.inputs[0].name
    np.testing.assert_array_equal(found.feeds[1][name], photo(224, 224, SAMPLE_PHOTOS[1]))


def test_other_models_get_seeded_inputs() -> None:
    analysis = analyze(residual_model(), label="m")
    found = samples(analysis, count=2, seed=5)
    assert len(found.feeds) == 2 and "seeds 5..6" in found.source
    (first,), (second,) = found.feeds[0].values(), found.feeds[1].values()
    assert not np.array_equal(first, second)
