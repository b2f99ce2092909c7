"""Sessions of the split-inference flow, advanced through given steps, for the session tests."""

from __future__ import annotations

from ts26927.flows import FlowSession, session
from ts26927.flows.walks import message_for


def split_until(*steps: str) -> FlowSession:
    s = session("split-inference")
    for step_id in steps:
        s.accept(step_id, message_for(s.flow.step(step_id)))
    return s
