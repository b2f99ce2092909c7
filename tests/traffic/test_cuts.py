"""One run with every crossing tensor exposed gives exactly what each extracted head gives."""

from __future__ import annotations

import numpy as np

from ts26927.engine.embedded.zoo import embedded_model
from ts26927.engine.onnxtools.analysis import analyze
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.extraction import SplitExtractor
from ts26927.traffic.cuts import CutTensors, crossing_names
from ts26927.traffic.samples import samples


def test_every_cut_tensor_equals_the_extracted_heads_output() -> None:
    model = embedded_model("digits")
    analysis = analyze(model, label="digits")
    feed = samples(analysis, count=1).feeds[0]
    tensors = CutTensors(model, analysis).run(feed)
    assert set(crossing_names(analysis)) <= set(tensors)
    extractor = SplitExtractor(model, analysis)
    for candidate in analysis.candidates:
        head = Runner(extractor.extract(candidate.number).head, label="head")
        handed = head.run(feed)
        for tensor in candidate.crossing:
            assert tensors[tensor.name].nbytes == handed[tensor.name].nbytes
            np.testing.assert_array_equal(tensors[tensor.name], handed[tensor.name])
