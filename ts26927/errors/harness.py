"""Errors of harness programs reached over stdin/stdout."""

from __future__ import annotations

from ts26927.errors.base import Ts26927Error


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


class HttpBindingError(HarnessError):
    """A server reached over the REST binding that answered outside the binding: a 5xx, a
    body not of the binding's shape, a session or attachment it lost, or no answer at all."""
