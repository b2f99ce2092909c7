"""One complete, valid instance of every registered type, built from the TR's examples.

Each value the TR prints as an example appears here in its typed wire form ("40MB" is
``"modelSize": 40``, "NPU 10TFLOPS, MEM 10GB" is a processing unit of 1e13 FLOPS and
10000 MB). They are exported beside the schemas (``schemas/examples/``) and tested.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ts26927.models.base import TsModel

_PARAMS = {
    "name": "fc1.weight",
    "tensorShape": [2, 2],
    "tensorElementDataType": "FLOAT",
    "data": "AACAPwAAAEAAAEBAAACAQA==",  # float32 little-endian [1, 2, 3, 4]
}

EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "AiModelInformation": [
        {
            "modelIdentifier": "model_1",
            "numberOfParameters": 11000000,
            "modelSize": 40,
            "inputSize": 256,
            "outputSize": 256,
            "accuracy": 85,
            "targetInferenceLatency": 20,
            "formatFramework": [
                {"name": "ONNX", "version": "1.15.0"},
                {"name": "PYTORCH", "version": "2.0"},
            ],
            "processingCapabilities": {
                "processingUnit": {"kind": "NPU", "computeFlops": 1.0e13},
                "computationalCost": 3.6e9,
                "computationalComplexity": 1800000000,
                "memory": 10000,
            },
        }
    ],
    "SplitModelInformation": [
        {
            "modelIdentifier": "model_1",
            "splitPoints": 2,
            "splitPointInformation": [
                {
                    "splitPointIdentifier": "10",
                    "splitPointNumber": 10,
                    "splitPointName": "conv2d_1234",
                    "splitPointFlag": "AFTER",
                    "splitPointIntermediateDataSize": 1086,
                },
                {
                    "splitPointIdentifier": "Layer_10",
                    "splitPointNumber": 75,
                    "splitPointName": "Layer_10",
                    "splitPointFlag": "BEFORE",
                },
            ],
        }
    ],
    "SplitPointInformation": [
        {
            "splitPointIdentifier": "10",
            "splitPointIntermediateDataSize": 1086,
            "splitPointNumber": 10,
            "splitPointName": "conv2d_1234",
            "splitPointFlag": "BEFORE",
        }
    ],
    "IntermediateDataInformation": [
        {
            "tensorStructureInformation": {"name": "PYTORCH", "version": "2.0"},
            "tensors": [
                {"name": "x", "tensorShape": [1, 64, 64, 64], "tensorElementDataType": "FLOAT"},
                {"name": "positions", "tensorShape": [1, 64], "tensorElementDataType": "INT64"},
            ],
            "dataDirection": "UPSTREAM",
            "compressionAlgorithms": ["NONE", "FC_VCM", "SNAPPY"],
        }
    ],
    "ServiceRequirementInformation": [
        {
            "maximumServiceInferenceLatency": 100,
            "minimumServiceInferenceAccuracy": 80,
            "serviceTypeIdentifier": "Trans-EN-to-ZH",
            "serviceAccuracy": 85,
        }
    ],
    "EndpointCapabilityInformation": [
        {
            "endpointType": "UE",
            "processingCapabilities": {
                "processingUnits": [{"kind": "NPU", "computeFlops": 1.0e13}],
                "memory": 10000,
            },
            "supportedAiFrameworks": [{"name": "TENSORFLOW", "version": "2.0"}],
            "supportedCompressionAlgorithms": ["NONE", "FC_VCM", "SNAPPY"],
            "connectionCapabilities": "256 Kbps",
        }
    ],
    "ControlInformation": [
        {
            "groupId": "fl-group-7",
            "synchronizationInformation": {
                "roundNumber": 3,
                "startTime": "2026-05-04T09:30:00Z",
                "duration": 600,
            },
            "modelUpdateInformation": {
                "modelId": "model_1",
                "parameters": [_PARAMS],
                "newModelId": "model_1_round_4",
            },
        }
    ],
    "SynchronizationInformation": [
        {"roundNumber": 3, "startTime": "2026-05-04T09:30:00Z", "duration": 600}
    ],
    "DeviceEligibilityInformation": [
        {
            "groupId": "fl-group-7",
            "applicationGroupId": "camera-app-beta",
            "hardware": {
                "operatingSystems": ["Android", "iOS"],
                "processorKinds": ["NPU", "GPU"],
                "minimumProcessorSpeed": 1800,
                "minimumAvailableMemory": 2000,
            },
            "location": {"countryCodes": ["DE", "FR"]},
            "language": ["en", "de"],
            "dataLibraryId": "images-v1",
            "minimumDataSamples": 500,
        }
    ],
    "DeviceProfile": [
        {
            "applicationGroupId": "camera-app-beta",
            "operatingSystem": "Android",
            "processorKinds": ["CPU", "NPU"],
            "processorSpeed": 2400,
            "availableMemory": 4000,
            "countryCode": "DE",
            "language": "de-DE",
            "dataLibraries": [{"dataLibraryId": "images-v1", "numberOfSamples": 1200}],
            "groupIds": ["fl-group-1"],
        }
    ],
    "EligibilityDecision": [
        {
            "eligible": False,
            "failedCriteria": [
                {"criterion": "LANGUAGE", "reason": "device language 'fr-FR' is not one of en, de"}
            ],
        },
        {"eligible": True, "groupId": "fl-group-7", "failedCriteria": []},
    ],
    "ModelEvaluationInformation": [
        {
            "roundNumber": 3,
            "metricNumber": 2,
            "metrics": [{"name": "ACCURACY", "value": 91.5}, {"name": "LOSS", "value": 0.27}],
            "modelId": "model_1",
        }
    ],
    "ModelUpdateInformation": [
        {
            "modelId": "model_1",
            "parameters": [_PARAMS],
            "roundNumber": 3,
            "numberOfTrainingSamples": 512,
        },
        {"modelId": "model_1", "parameters": [_PARAMS], "newModelId": "model_1_round_4"},
    ],
    "FailureReportingInformation": [
        {
            "reason": "NETWORK_DISRUPTION",
            "detail": "uplink lost during upload of the update",
            "roundNumber": 3,
            "modelId": "model_1",
        }
    ],
    "FailureReportingCriteria": [
        {"reasons": ["DEVICE_FAILURE", "NETWORK_DISRUPTION"], "reportingDeadline": 900}
    ],
}


def examples_of(cls: type[TsModel]) -> list[dict[str, Any]]:
    """Complete wire examples of ``cls``: listed above, declared on the class, or assembled
    from the first example of each of its fields."""
    if cls.__name__ in EXAMPLES:
        return EXAMPLES[cls.__name__]
    if cls.wire_examples:
        return list(cls.wire_examples)
    return [
        {
            info.alias or name: info.examples[0]
            for name, info in cls.model_fields.items()
            if info.examples
        }
    ]
