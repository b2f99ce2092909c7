"""A reply shape of the reference players beyond steps and refusals."""

from __future__ import annotations

from ts26927.bindings.base import Output


class Declined(list[Output]):
    """The workflow's own negative response to the step just received (e.g. 9b FAILURE):
    sent as it is, and the session is left as it was before that step."""
