"""The one error hierarchy of ts26927.

Every error raised for bad input derives from :class:`Ts26927Error` and says *what* was
wrong and *where* (a JSON pointer, a type name, a file). Callers catch the base class;
the CLI turns it into a message and an exit code, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class Ts26927Error(Exception):
    """Base class of every error ts26927 raises on purpose."""


@dataclass(frozen=True)
class Issue:
    """One reason a document is invalid: where (JSON pointer) and why."""

    pointer: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "reason": self.reason}


class UnknownTypeError(Ts26927Error, LookupError):
    """A type name that the registry does not know."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown type {name!r}; known types: {', '.join(known)}")


class DocumentError(Ts26927Error, ValueError):
    """A document that could not be read as JSON at all."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class InvalidDocumentError(Ts26927Error, ValueError):
    """A JSON document that does not conform to its type; carries every issue found."""

    def __init__(self, type_name: str, issues: list[Issue]) -> None:
        self.type_name = type_name
        self.issues = issues
        lines = "; ".join(f"{i.pointer or '/'}: {i.reason}" for i in issues)
        super().__init__(f"invalid {type_name}: {lines}")


class SchemaDriftError(Ts26927Error):
    """Committed schema files differ from what the models generate."""

    def __init__(self, differences: list[str]) -> None:
        self.differences = differences
        super().__init__(f"{len(differences)} schema file(s) out of date")


class UnknownFlowError(Ts26927Error, LookupError):
    """A flow id that does not exist."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        super().__init__(f"unknown flow {name!r}; known flows: {', '.join(known)}")


class ProtocolError(Ts26927Error):
    """A workflow step refused by a flow session; the session is left exactly as it was.

    Says which flow, which step, in which state, and which steps were allowed.
    """

    def __init__(
        self, flow: str, clause: str, step: str, state: str, allowed: list[str], reason: str
    ) -> None:
        self.flow = flow
        self.clause = clause
        self.step = step
        self.state = state
        self.allowed = allowed
        self.reason = reason
        allowed_text = ", ".join(allowed) if allowed else "none (the flow has ended)"
        super().__init__(
            f"step {step} of {clause} ({flow}) refused in state {state!r}: {reason}; "
            f"allowed next: {allowed_text}"
        )


class UnknownStepError(ProtocolError):
    """A step id that the flow does not have."""


class StepOutOfOrderError(ProtocolError):
    """A step of the flow that may not come now."""


class WrongPartyError(ProtocolError):
    """A step sent or received by a logical function other than the TR's."""


class InvalidMessageError(ProtocolError):
    """A step whose message is of the wrong type or has invalid content."""

    def __init__(
        self,
        flow: str,
        clause: str,
        step: str,
        state: str,
        allowed: list[str],
        reason: str,
        issues: list[Issue] | None = None,
    ) -> None:
        self.issues = issues or []
        detail = "; ".join(f"{i.pointer or '/'}: {i.reason}" for i in self.issues)
        super().__init__(
            flow, clause, step, state, allowed, reason + (f" ({detail})" if detail else "")
        )


class SessionRestoreError(Ts26927Error, ValueError):
    """A saved flow session that cannot be restored."""


# --- Reference engine (split inference) -------------------------------------------------


class EngineError(Ts26927Error):
    """Base of the errors the reference engine raises for bad models, data or requests."""


class ModelLoadError(EngineError, ValueError):
    """A model that could not be read as ONNX at all (unreadable, not ONNX, empty)."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class ModelCheckError(EngineError, ValueError):
    """An ONNX model that the ONNX checker (or our graph checks) refused."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: model is not valid ONNX: {reason}")


class ExternalDataError(EngineError, ValueError):
    """A tensor whose external data is missing, out of bounds or outside the model's folder."""

    def __init__(self, source: str, tensor: str, location: str, reason: str) -> None:
        self.source = source
        self.tensor = tensor
        self.location = location
        self.reason = reason
        super().__init__(f"{source}: external data of tensor {tensor!r} at {location!r}: {reason}")


class ModelSizeError(EngineError, ValueError):
    """A declared size (file, tensor, dimension) beyond the configured limit or inconsistent."""

    def __init__(self, source: str, what: str, reason: str) -> None:
        self.source = source
        self.what = what
        self.reason = reason
        super().__init__(f"{source}: {what}: {reason}")


class ShapeInferenceError(EngineError, ValueError):
    """ONNX shape inference refused the model, or a needed shape stayed unknown."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"shape inference failed at {where}: {reason}")


class SplitError(EngineError, ValueError):
    """A model or split point that cannot be split as asked."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class UnknownSplitPointError(SplitError, LookupError):
    """A split point identifier, number or name that the analysed model does not have."""

    def __init__(self, model: str, split_point: str, count: int) -> None:
        self.model = model
        self.split_point = split_point
        self.count = count
        known = f"identifiers 1..{count}" if count else "none"
        super().__init__(model, f"unknown split point {split_point!r}; split points: {known}")


class UnknownModelError(EngineError, LookupError):
    """A name that is neither a readable file nor an embedded model."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(
            f"{name!r} is neither a model file nor an embedded model; embedded models: "
            f"{', '.join(known)}"
        )


class InferenceError(EngineError, RuntimeError):
    """The runtime refused a (sub-)model or failed while running it."""

    def __init__(self, model: str, reason: str) -> None:
        self.model = model
        self.reason = reason
        super().__init__(f"{model}: inference failed: {reason}")


class InferenceInputError(EngineError, ValueError):
    """Inputs that do not match what a (sub-)model takes (missing, extra, wrong type)."""

    def __init__(self, model: str, tensor: str, reason: str) -> None:
        self.model = model
        self.tensor = tensor
        self.reason = reason
        super().__init__(f"{model}: input {tensor!r}: {reason}")


class CodecError(EngineError, ValueError):
    """Base of the codec errors: a chain that is malformed, unsupported or cannot apply."""


class CodecChainError(CodecError):
    """A codec chain that is not well formed (e.g. ``ZSTD+INT8`` or ``NONE+SNAPPY``)."""

    def __init__(self, chain: str, reason: str) -> None:
        self.chain = chain
        self.reason = reason
        super().__init__(f"codec chain {chain!r}: {reason}")


class CodecNotSupportedError(CodecError):
    """A declared compression algorithm that this implementation does not provide."""

    def __init__(self, algorithm: str, where: str) -> None:
        self.algorithm = algorithm
        self.where = where
        super().__init__(
            f"{where}: compression algorithm {algorithm} is not supported by this implementation"
        )


class CodecRangeError(CodecError):
    """A tensor whose values the chosen precision reduction cannot represent."""

    def __init__(self, tensor: str, algorithm: str, reason: str) -> None:
        self.tensor = tensor
        self.algorithm = algorithm
        self.reason = reason
        super().__init__(f"tensor {tensor!r}: cannot apply {algorithm}: {reason}")


class IntermediateDataError(EngineError, ValueError):
    """An intermediate data unit that is malformed, truncated or inconsistent with itself."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"intermediate data unit, {where}: {reason}")


class DecompressionLimitError(IntermediateDataError):
    """A unit whose tensors would decode to more bytes than the configured limit."""

    def __init__(self, where: str, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(
            where, f"would decode to {size} bytes, more than the limit of {limit} bytes"
        )


class SelectionError(EngineError, ValueError):
    """Split selection inputs that do not fit together (e.g. no candidate split points)."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"split selection, {where}: {reason}")


class FederatedLearningError(Ts26927Error):
    """Base of the federated learning engine's errors."""


class UpdateRejectedError(FederatedLearningError, ValueError):
    """A device's update that must not reach the aggregate, with the typed reason."""

    def __init__(self, device: str, reason: str, detail: str) -> None:
        self.device = device
        self.reason = reason
        self.detail = detail
        super().__init__(f"update from {device} rejected ({reason}): {detail}")


class RoundStateError(FederatedLearningError, RuntimeError):
    """A federated learning operation called at the wrong time (e.g. no round open)."""


# --- Reference engine (model repository and delivery) ------------------------------------


class DeliveryError(EngineError):
    """Base of the errors of the AI model repository, manifest, selection and delivery."""


class RepositoryError(DeliveryError, ValueError):
    """A model the repository cannot hold as given (identifier taken, no weights to refine)."""

    def __init__(self, model: str, reason: str) -> None:
        self.model = model
        self.reason = reason
        super().__init__(f"model repository, {model}: {reason}")


class NotInRepositoryError(DeliveryError, LookupError):
    """A model or variant identifier (a name or a SHA-256) that is not held or listed."""

    def __init__(self, what: str, identifier: str, known: list[str]) -> None:
        self.what = what
        self.identifier = identifier
        self.known = known
        listed = ", ".join(known) if known else "none"
        super().__init__(f"no {what} {identifier!r}; known: {listed}")


class ManifestError(DeliveryError, ValueError):
    """A manifest entry whose variants do not form usable update chains."""

    def __init__(self, model: str, reason: str) -> None:
        self.model = model
        self.reason = reason
        super().__init__(f"manifest entry {model!r}: {reason}")


class PackageError(DeliveryError, ValueError):
    """An adaptive model package that is malformed, truncated or inconsistent with itself."""

    def __init__(self, package: str, where: str, reason: str) -> None:
        self.package = package
        self.where = where
        self.reason = reason
        super().__init__(f"package {package}, {where}: {reason}")


class PackageMismatchError(PackageError):
    """A well-formed update package that does not apply to the model held (another model,
    another base, or not the next level)."""


class IntegrityError(DeliveryError, ValueError):
    """Model data whose size or SHA-256 differs from what its description declares."""

    def __init__(self, what: str, expected: str, actual: str) -> None:
        self.what = what
        self.expected = expected
        self.actual = actual
        super().__init__(f"{what}: expected {expected}, got {actual}")


class ChunkIntegrityError(IntegrityError):
    """A chunk whose SHA-256 differs from the declared one. The chunk was dropped whole (its
    bad segment cannot be told from the good ones) and must be fetched again."""

    def __init__(self, what: str, index: int, offset: int, expected: str, actual: str) -> None:
        self.index = index
        self.offset = offset
        super().__init__(f"{what}, chunk {index} at byte {offset}", expected, actual)


class TransferError(DeliveryError, ValueError):
    """A delivery session used wrongly: a description that does not hold together, a segment
    at the wrong offset or past the end, data asked for before it all arrived, or a transfer
    that kept failing."""

    def __init__(self, session: str, reason: str) -> None:
        self.session = session
        self.reason = reason
        super().__init__(f"delivery session {session}: {reason}")


class DeliverySelectionError(DeliveryError, ValueError):
    """Model selection inputs that cannot be used (e.g. a negative bandwidth)."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"model selection, {where}: {reason}")


# --- Harness programs (the stdio binding) -------------------------------------------------


class HarnessError(Ts26927Error):
    """Base of the errors of a harness program reached over stdin/stdout: the adapter broke,
    which is never the implementation's answer. Says which harness and where (the command,
    its sequence number, a JSON pointer into the reply)."""

    def __init__(self, harness: str, where: str, reason: str) -> None:
        self.harness = harness
        self.where = where
        self.reason = reason
        super().__init__(f"harness {harness!r}, {where}: {reason}")


class HarnessStartError(HarnessError):
    """A harness program that cannot be started or did not complete the start handshake."""


class HarnessVersionError(HarnessError):
    """A harness that speaks another version of the harness protocol; it is stopped at once."""


class HarnessExitedError(HarnessError):
    """A harness that exited, or closed its stdout, instead of answering."""


class HarnessTimeoutError(HarnessError):
    """A harness that did not answer (or read its input) in time; it is killed."""


class HarnessReplyError(HarnessError):
    """A reply that is not one JSON object or not of the protocol's shape."""


class HarnessSequenceError(HarnessReplyError):
    """A reply that does not echo the sequence number of the command it answers."""


class HarnessSizeError(HarnessReplyError):
    """A reply line or attachment larger than the binding's bound."""


class HarnessErroredError(HarnessError):
    """A harness that answered ``errored``: its adapter failed, the implementation did not
    answer."""


class HarnessSetupRefusedError(HarnessError):
    """A harness that refused to set up a case (a failed preamble, not a failed test)."""
