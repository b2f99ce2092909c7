"""Errors of the model repository and delivery engine."""

from __future__ import annotations

from ts26927.errors.engine import EngineError


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
