"""Hypothesis stateful tests: random legal walks through every flow (all branches and loops)
are accepted; a step out of order, an unknown step, a message of the wrong type or with
invalid content is refused with the typed error and the session stays exactly as it was."""

from __future__ import annotations

import json

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tests.strategies import type_documents
from ts26927.errors import InvalidMessageError, StepOutOfOrderError, UnknownStepError
from ts26927.flows import FLOWS, FlowSession
from ts26927.flows.table import Flow
from ts26927.flows.walks import message_for


def machine_for(flow: Flow) -> type[RuleBasedStateMachine]:
    step_ids = [s.id for s in flow.steps]
    with_message = [s for s in flow.steps if s.message is not None]

    class FlowMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.session = FlowSession(flow)
            self.accepted: list[str] = []

        def snapshot(self) -> tuple:
            return (self.session.state, self.session.allowed(), self.session.to_json())

        @rule(data=st.data())
        def legal_step(self, data: st.DataObject) -> None:
            step = flow.step(data.draw(st.sampled_from(self.session.allowed())))
            assert step is not None
            message = message_for(step)
            if step.message is not None and data.draw(st.booleans()):
                message = data.draw(type_documents(step.message.__name__))
            self.session.accept(step.id, message)
            self.accepted.append(step.id)

        @precondition(lambda self: len(set(step_ids) - set(self.session.allowed())) > 0)
        @rule(data=st.data())
        def step_out_of_order(self, data: st.DataObject) -> None:
            refused = sorted(set(step_ids) - set(self.session.allowed()))
            step = flow.step(data.draw(st.sampled_from(refused)))
            assert step is not None
            before = self.snapshot()
            with pytest.raises(StepOutOfOrderError) as caught:
                self.session.accept(step.id, message_for(step))
            assert caught.value.allowed == self.session.allowed()
            assert self.snapshot() == before

        @rule(name=st.text(min_size=1, max_size=4))
        def unknown_step(self, name: str) -> None:
            if name in step_ids:
                return
            before = self.snapshot()
            with pytest.raises(UnknownStepError):
                self.session.accept(name)
            assert self.snapshot() == before

        @rule(data=st.data())
        def invalid_message(self, data: st.DataObject) -> None:
            candidates = [flow.step(i) for i in self.session.allowed()]
            candidates = [s for s in candidates if s is not None and s.message is not None]
            if not candidates:
                return
            step = data.draw(st.sampled_from(candidates))
            others = [s for s in with_message if s.message is not step.message]
            kind = data.draw(st.sampled_from(["unknown property", "wrong type", "not object"]))
            if kind == "unknown property":
                message = {**message_for(step), "notInTheTr": True}
            elif kind == "wrong type" and others:
                message = message_for(data.draw(st.sampled_from(others)))
            else:
                message = [message_for(step)]
            before = self.snapshot()
            try:
                self.session.accept(step.id, message)
            except InvalidMessageError:
                assert self.snapshot() == before
            else:
                # A message of another type may happen to be valid for this one (a
                # strict subset of fields); then it must validate as this type.
                assert kind == "wrong type"
                assert (
                    self.session.history[-1].message.to_wire()
                    == step.message.from_wire(message).to_wire()
                )

        @invariant()
        def restores_to_the_same_state(self) -> None:
            again = FlowSession.from_wire(json.loads(self.session.to_json()), FLOWS)
            assert again.state == self.session.state
            assert again.allowed() == self.session.allowed()

    FlowMachine.__name__ = f"Machine_{flow.id.replace('-', '_')}"
    return FlowMachine


@pytest.mark.parametrize("flow_id", list(FLOWS))
def test_random_walks(flow_id: str) -> None:
    machine = machine_for(FLOWS[flow_id])
    machine.TestCase.settings = settings(max_examples=15, stateful_step_count=25, deadline=None)
    machine.TestCase().runTest()
