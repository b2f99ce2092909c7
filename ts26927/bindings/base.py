"""The interface every implementation under test (IUT) presents to the conformance runner.

Theory of operation. A test case plays one side of a TR workflow (the test system, TS) and
the IUT plays the other. The runner calls :meth:`Implementation.setup` with the case's
preamble, then hands the IUT each step the TS sends to it (:meth:`Implementation.deliver`);
the IUT answers with every step *it* then performs, in order — messages to the TS and steps
between its own logical functions alike — until it waits for the TS again. An IUT refuses
a step it must not accept (out of order, malformed) by answering with a refusal instead of
steps. Payloads that are not JSON (model files, intermediate data units) travel beside the
message as named attachments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

#: Version of the IUT interface and of the harness protocol built on it.
PROTOCOL_VERSION = 1


@dataclass(frozen=True)
class ImplementationInfo:
    """Who the IUT is, what it supports (its ICS) and the choices it made where the TR
    leaves them open (its IXIT, e.g. its aggregation rule)."""

    name: str
    version: str
    language: str = "python"
    capabilities: frozenset[str] = frozenset()
    homepage: str = ""
    ixit: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "language": self.language,
            "capabilities": sorted(self.capabilities),
            "homepage": self.homepage,
            "ixit": dict(self.ixit),
        }


@dataclass(frozen=True)
class Output:
    """One step the IUT performed."""

    step: str
    message: dict[str, Any] | None = None
    attachments: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """The IUT refused the step it was given (with its reason)."""

    reason: str


Reply = list[Output] | Refusal


class Implementation(Protocol):
    """What the runner needs from an IUT, whatever binding reaches it."""

    def describe(self) -> ImplementationInfo: ...

    def setup(self, case_id: str, flow: str, role: str, state: dict[str, Any]) -> None:
        """Prepare for a case: the flow, the side the IUT plays, and the preamble state."""

    def begin(self) -> Reply:
        """Perform the steps the IUT starts with before waiting for the TS (often none)."""

    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        """Take one TS step; return the steps the IUT performs next, or a refusal."""

    def teardown(self) -> None: ...

    def stop(self) -> None: ...
