"""Errors of the conformance suite and of reaching an implementation under test: bad case
data, bad declarations, targets and attachments that cannot be used. (The runner's own
verdict signals — a check failing, the IUT's data at fault — are not errors of the library
and stay with the runner.)"""

from __future__ import annotations

from ts26927.errors.base import Ts26927Error


class SuiteError(Ts26927Error, ValueError):
    """A case file that is not a valid case."""


class CaseDataError(Ts26927Error, ValueError):
    """A case refers to something that does not exist (a step not yet seen, a pointer):
    a fault of the suite's data, reported as an error."""


class ApplicabilityError(Ts26927Error, ValueError):
    """A malformed applicability condition."""


class PreambleError(Ts26927Error, ValueError):
    """A case's preamble names an unknown state or parameter, or a wrong value."""


class IxitError(Ts26927Error, ValueError):
    """An IXIT declaration with an unknown item or a value the item does not allow."""


class TargetError(Ts26927Error, ValueError):
    """A target that cannot be reached or built."""


class AttachmentError(Ts26927Error, ValueError):
    """An attachment that is missing or not what its step needs."""


class SetupError(Ts26927Error, RuntimeError):
    """The implementation cannot set up what a case asks for."""
