"""The root of the hierarchy and the errors of documents, types and schemas."""

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


class MalformedDocumentError(DocumentError):
    """A document that was read but is not JSON within the limits (syntax, encoding, size,
    nesting, number of values): the input is wrong, not the way it was asked for."""


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


class MissingExtraError(Ts26927Error, RuntimeError):
    """A feature needs an optional extra that is not installed."""

    def __init__(self, extra: str, package: str, feature: str) -> None:
        self.extra = extra
        self.package = package
        super().__init__(f"{feature} needs {package}: pip install 'ts26927[{extra}]'")
