"""The preamble states of the harness protocol: what a case may ask an implementation to
set up in ``setup`` (the configuration stage of the TR's workflows), with their parameters.

A preamble is ``{"state": NAME, "params": {...}}``; the implementation either sets the state
up or refuses (an inconclusive verdict). Where a parameter names a model fixture, the suite's
runner adds ``modelSha256``, the SHA-256 of that fixture's exported file, so that an
implementation can check it holds the very same model. The catalogue sits with the protocol,
not with the suite, so that an implementation (the reference among them) can check a preamble
it is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ts26927.errors import PreambleError

#: Added by the runner beside a ``model`` parameter: the fixture file's SHA-256 (hex).
MODEL_SHA256 = "modelSha256"


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    """JSON type: string, integer, boolean, object."""
    description: str
    required: bool = False

    def check(self, value: Any, state: str) -> None:
        ok = {
            "string": isinstance(value, str),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
            "object": isinstance(value, dict),
        }[self.kind]
        if not ok:
            raise PreambleError(f"preamble {state}: {self.name} must be a JSON {self.kind}")


@dataclass(frozen=True)
class PreambleState:
    name: str
    role: str
    description: str
    params: tuple[Param, ...]

    def check(self, params: Mapping[str, Any]) -> None:
        known = {p.name: p for p in self.params}
        if unknown := sorted(set(params) - set(known) - {MODEL_SHA256}):
            raise PreambleError(
                f"preamble {self.name}: unknown parameter {unknown[0]!r}; it takes {sorted(known)}"
            )
        for param in self.params:
            if param.name in params:
                param.check(params[param.name], self.name)
            elif param.required:
                raise PreambleError(f"preamble {self.name}: {param.name} is required")


_MODEL = Param(
    "model",
    "string",
    "The model fixture (see 'conformance fixtures export'), e.g. digits or squeezenet.",
    required=True,
)
_SAMPLE = Param(
    "sample",
    "integer",
    "Index of the media sample in the model fixture's inputs (sample i is inputs[i:i+1]): "
    "what the Data Source on the implementation's side feeds, where it has one.",
)
_TOPOLOGY = Param(
    "topology",
    "string",
    "Where the media is and who runs the first sub-model: UE_SOURCE_UE_FIRST (the UE) or "
    "NETWORK_SOURCE (the network; the UE runs the second sub-model).",
)

STATES: tuple[PreambleState, ...] = (
    PreambleState(
        "model-repository",
        "NETWORK",
        "The network's AI model repository holds the model fixture `model` (whole, and cut "
        "at the split points the implementation predefines for it).",
        (_MODEL, _SAMPLE, _TOPOLOGY),
    ),
    PreambleState(
        "adaptive-repository",
        "NETWORK",
        "The repository holds the model fixture `model` as an adaptive model: a base usable "
        "on its own and updates that refine it, listed in the manifest it announces.",
        (_MODEL, _SAMPLE),
    ),
    PreambleState(
        "federated-learning",
        "NETWORK",
        "The Federated Learning Engine holds the federated learning model fixture "
        "`flModel` (its parameter names and shapes; round 1 may start from its initial "
        "values or others) and runs the process with the test system as one UE.",
        (
            Param("flModel", "string", "The federated learning model fixture.", required=True),
            Param(
                "trainingRounds",
                "integer",
                "Training rounds (Option B) to run with this UE before stopping: the last "
                "round's step 17 says continueTraining false.",
                required=True,
            ),
            Param(
                "evaluate",
                "boolean",
                "Request at least one evaluation (Option A), in a round of your choice.",
            ),
            Param(
                "networkTriggers",
                "boolean",
                "Trigger federated learning yourself (step 1 from the Network Application, "
                "with the synchronization information of the first round) instead of "
                "waiting for the UE's trigger.",
            ),
            Param(
                "deviceProfile",
                "object",
                "The UE's device profile as the network learns it at configuration stage "
                "(DeviceProfile: dataLibraries, hardware, location, language…); the network "
                "decides its eligibility from it.",
                required=True,
            ),
            Param(
                "eligibilityUpdate",
                "object",
                "Eligibility criteria fields to change after the UE's evaluation (step 11), "
                "merged into the criteria announced at step 4.",
            ),
        ),
    ),
    PreambleState(
        "fl-ue",
        "UE",
        "A UE with the federated learning model fixture `flModel`'s training engine, the "
        "device profile `deviceProfile` and local data `localData`; it has no model yet.",
        (
            Param("flModel", "string", "The federated learning model fixture.", required=True),
            Param(
                "localData",
                "object",
                "The UE's local data library: {dataLibraryId, part, parts}: IID part `part` "
                "(from 0) of `parts` of the digits training data (as 'conformance fixtures' "
                "splits it), held in library dataLibraryId. Its size is the library's "
                "number of samples.",
                required=True,
            ),
            Param(
                "deviceProfile",
                "object",
                "What the UE declares about itself for eligibility (DeviceProfile without "
                "dataLibraries: operatingSystem, availableMemory, countryCode, language…).",
                required=True,
            ),
            Param(
                "networkTriggers",
                "boolean",
                "The network triggers federated learning (step 1); the UE waits for it.",
            ),
            Param(
                "firstRound",
                "integer",
                "The round number the test system starts from (default 1).",
            ),
        ),
    ),
    PreambleState(
        "ue-idle",
        "UE",
        "A UE with no model yet; its media is sample `sample` of the model fixture `model`.",
        (_MODEL, _SAMPLE),
    ),
    PreambleState(
        "ue-split",
        "UE",
        "A UE running an AI service by split inference on the model fixture `model`: its AI "
        "resources are those of `ueCapabilities` (its AI Capability Manager reports no "
        "more), its service asks `serviceRequirements`; with the media in the UE "
        "(`topology` UE_SOURCE_UE_FIRST) its Data Source holds sample `sample`.",
        (
            _MODEL,
            _SAMPLE,
            _TOPOLOGY,
            Param(
                "ueCapabilities",
                "object",
                "The UE's resources for the service (clause 6.6.5 "
                "EndpointCapabilityInformation: memory, compute, codecs, connection), as "
                "the case's ueCapabilities fixture states them.",
                required=True,
            ),
            Param(
                "serviceRequirements",
                "object",
                "The service's requirements (clause 6.6.4 ServiceRequirementInformation), as "
                "the case's serviceRequirements fixture states them.",
            ),
            Param(
                "decision",
                "string",
                "Detailed workflow: who decides the split, NETWORK (alternative #1, steps "
                "2a-7a) or UE (alternative #2, steps 2b-9b).",
            ),
        ),
    ),
    PreambleState(
        "media-af",
        "NETWORK",
        "A Media AF/AS provisioned for split AI/ML operation with the model fixture `model`.",
        (_MODEL, _SAMPLE, _TOPOLOGY),
    ),
    PreambleState(
        "media-as",
        "NETWORK",
        "A Media AF/AS with nothing provisioned yet: the test system plays the Media "
        "Application Provider and provisions and ingests the model fixture `model`.",
        (
            _MODEL,
            _SAMPLE,
            Param(
                "announcement",
                "string",
                "How the provider's application announces the service: 'reference' (a URL "
                "to the service access information) or 'inline' (the information itself).",
            ),
        ),
    ),
    PreambleState(
        "ue-media-client",
        "UE",
        "A UE whose Media Client has no model yet and whose media is sample `sample` of the "
        "model fixture `model`; the test system plays the Media AF and AS (and the provider).",
        (
            _MODEL,
            _SAMPLE,
            Param(
                "announcement",
                "string",
                "Model distribution: how the provider announces the service, 'reference' or "
                "'inline' (the test system's choice; the UE follows it).",
            ),
            Param(
                "ueUpdate",
                "boolean",
                "Split AI/ML operation: the UE's Media-aware Application triggers one split "
                "point update after the first inference result (to another negotiated split "
                "point; negotiated at step 15 or passed in band, as the UE chooses).",
            ),
            Param(
                "statusReports",
                "boolean",
                "Split AI/ML operation: the UE's status reporting is on: a report (16) after "
                "each inference result and a media status report (19) after each network "
                "report (18).",
            ),
            Param(
                "splitPoints",
                "string",
                "Split AI/ML operation, the test system's negotiation: the model's nodes "
                "after which it offers split points, comma-separated; the first is selected.",
            ),
            Param(
                "updateTo",
                "string",
                "Split AI/ML operation: the node (one of splitPoints) the network's split "
                "point update moves to.",
            ),
            Param(
                "codecs",
                "string",
                "Split AI/ML operation: the codec chains the network prefers, comma-separated; "
                "it agrees the first whose algorithms the UE reported.",
            ),
            Param(
                "modelData",
                "string",
                "Split AI/ML operation (10): the model data the network delivers, 'whole' or "
                "'subset' (the UE's sub-model at the acknowledged split point).",
            ),
        ),
    ),
)

_BY_NAME = {s.name: s for s in STATES}


def preamble_state(name: str) -> PreambleState:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise PreambleError(
            f"unknown preamble state {name!r}; the states are {sorted(_BY_NAME)}"
        ) from None


__all__ = ["MODEL_SHA256", "STATES", "Param", "PreambleState", "preamble_state"]
