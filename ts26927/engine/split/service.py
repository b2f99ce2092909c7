"""One model made ready for split inference: its analysis, sub-models, measured accuracy per
configuration, and split selection — what a network endpoint needs to answer the
negotiation of clause 5.2.3.2, and what the conformance suite checks answers against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import onnx

from ts26927.engine.embedded.build_cache import cached
from ts26927.engine.embedded.digits import digits_classifier
from ts26927.engine.embedded.inputs import photo_batch
from ts26927.engine.embedded.zoo import embedded_model
from ts26927.engine.onnxtools.analysis import SplitAnalysis, analyze
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.extraction import SplitExtractor, SubModels
from ts26927.engine.split.profiling import measure
from ts26927.engine.split.selection import Measurement, SplitSelectionRequest, select_split
from ts26927.models.compute import Framework, FrameworkName
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.model_information import AiModelInformation
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import (
    OptimizationPreference,
    SplitDecisionMode,
    SplitSelection,
    SplitTopology,
)
from ts26927.models.units import BYTES_PER_MB

#: The reference network endpoint: one GPU, plenty of memory, every codec this engine has.
NETWORK_CAPABILITIES = EndpointCapabilityInformation.model_validate(
    {
        "endpointType": "NETWORK",
        "processingCapabilities": {
            "processingUnits": [{"kind": "GPU", "computeFlops": 1e13}],
            "memory": 16000,
        },
        "supportedAiFrameworks": [{"name": "ONNX", "version": onnx.__version__.split("+")[0]}],
        "supportedCompressionAlgorithms": ["NONE", "SNAPPY", "LZ4", "ZSTD", "FLOAT16", "INT8"],
        "connectionCapabilities": "100 Mbps",
    }
)

#: Chains measured for accuracy (the others are assumed lossless or unknown).
MEASURED_CHAINS = ("NONE", "ZSTD", "FLOAT16", "INT8", "INT8+ZSTD")


@dataclass
class SplitService:
    """A model prepared for split inference."""

    identifier: str
    model: onnx.ModelProto
    analysis: SplitAnalysis
    accuracy: float | None
    """Measured on labelled held-out data; None for a model without labelled data."""
    measurements: dict[tuple[str, str], Measurement]
    test_inputs: np.ndarray
    _subs: dict[str, SubModels] = field(default_factory=dict, repr=False)

    def information(self) -> AiModelInformation:
        data = self.model.SerializeToString()
        return AiModelInformation(
            model_identifier=self.identifier,
            number_of_parameters=int(
                sum(int(np.prod(t.dims)) for t in self.model.graph.initializer)
            ),
            model_size=len(data) / BYTES_PER_MB,
            accuracy=None if self.accuracy is None else round(self.accuracy, 2),
            format_framework=[
                Framework(name=FrameworkName.ONNX, version=onnx.__version__.split("+")[0])
            ],
        )

    def model_bytes(self) -> bytes:
        return self.model.SerializeToString()

    def select(
        self,
        service: ServiceRequirementInformation | None,
        ue: EndpointCapabilityInformation | None,
        *,
        topology: SplitTopology,
        preference: OptimizationPreference,
        mode: SplitDecisionMode,
        uplink_bps: float | None = None,
        downlink_bps: float | None = None,
    ) -> SplitSelection:
        """Select for ``service`` and ``ue``; a request that omits either (the TR's 'may
        include') leaves that side unconstrained."""
        request = SplitSelectionRequest(
            analysis=self.analysis,
            service=service or ServiceRequirementInformation(),
            ue=ue or EndpointCapabilityInformation(),
            network=NETWORK_CAPABILITIES,
            topology=topology,
            preference=preference,
            measurements=self.measurements,
            model_accuracy=self.accuracy,
            uplink_bps=uplink_bps,
            downlink_bps=downlink_bps,
        )
        return select_split(request, mode)

    def submodels(self, split_point: str) -> SubModels:
        if split_point not in self._subs:
            extractor = SplitExtractor(self.model, self.analysis)
            self._subs[split_point] = extractor.extract(split_point)
        return self._subs[split_point]

    def whole(self, inputs: np.ndarray) -> np.ndarray:
        """The whole model's output on ``inputs``."""
        runner = Runner(self.model, label=self.identifier)
        return next(iter(runner.run({self.input_name: inputs}).values()))

    @property
    def input_name(self) -> str:
        return self.analysis.inputs[0].name

    def sample(self, index: int) -> np.ndarray:
        """One held-out sample as a batch of one."""
        if not 0 <= index < len(self.test_inputs):
            raise IndexError(f"sample {index} is not in 0..{len(self.test_inputs) - 1}")
        return self.test_inputs[index : index + 1]


def split_service(name: str) -> SplitService:
    """The embedded model ``name`` made ready for split inference (once per process):
    the trained digits classifier, or a model-zoo topology with calibrated weights (seed 0)
    fed the sample photos, without labelled data."""
    return digits_service() if name == "digits" else _zoo_service(name)


@cache
def _zoo_service(name: str) -> SplitService:
    model = embedded_model(name, random_weights=True, seed=0)
    analysis = analyze(model, label=name, model_identifier=name)
    return SplitService(name, model, analysis, None, {}, photo_batch(224, 224))


@cache
def digits_service() -> SplitService:
    """The embedded digits classifier, analysed and measured (once, then read from the
    build cache: see :mod:`ts26927.engine.embedded.build_cache`)."""
    classifier = digits_classifier()
    analysis = analyze(classifier.model, label="digits", model_identifier="digits")

    def build() -> dict[tuple[str, str], Measurement]:
        return measure(
            classifier.model,
            analysis,
            {classifier.model.graph.input[0].name: classifier.test_inputs},
            classifier.test_labels,
            [CodecChain.parse(c) for c in MEASURED_CHAINS],
        )

    measurements = cached("digits-measurements", build, _encode_measured, _decode_measured)
    return SplitService(
        "digits",
        classifier.model,
        analysis,
        classifier.accuracy,
        measurements,
        classifier.test_inputs,
    )


def _encode_measured(measured: Mapping[tuple[str, str], Measurement]) -> dict[str, np.ndarray]:
    keys = list(measured)
    return {
        "points": np.array([point for point, _ in keys], dtype=str),
        "chains": np.array([chain for _, chain in keys], dtype=str),
        # NaN stands for "no labels" (None), which the digits set never is.
        "accuracy": np.array(
            [np.nan if m.accuracy is None else m.accuracy for m in measured.values()]
        ),
        "unit_bytes": np.array([m.unit_bytes for m in measured.values()]),
    }


def _decode_measured(arrays: Mapping[str, np.ndarray]) -> dict[tuple[str, str], Measurement]:
    rows = zip(
        arrays["points"], arrays["chains"], arrays["accuracy"], arrays["unit_bytes"], strict=True
    )
    return {
        (str(point), str(chain)): Measurement(
            accuracy=None if np.isnan(accuracy) else float(accuracy), unit_bytes=float(size)
        )
        for point, chain, accuracy, size in rows
    }
