"""The conformance test case format: language-neutral JSON, one file per case.

A case names the TR clause, figure and workflow it tests, states its test purpose in the
3GPP form ("with {…} ensure that { when {…} then {…} }"), the side the implementation under
test (IUT) plays, when it applies (an expression over the capabilities the IUT declares),
the state to set up first, and its ordered steps with the TR's own step ids. A step is
performed either by the test system (TS), which sends a message (inline, built by the
suite's own code by a named builder, or copied from an earlier step), or by the IUT,
whose message is validated and checked.

Where the TR leaves the IUT a choice of order (optional and repeating steps, the options
of a federated learning round), a case does not script one plan: its ``reactions`` say
what the test system checks and answers whenever the IUT performs a step, in whatever
order the workflow's state machine allows, and its ``final`` checks judge the whole run.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from ts26927.flows.functions import Side
from ts26927.models.base import TsModel, rule_violation, tr_field
from ts26927.models.units import Identifier, NonNegativeFloat

CASE_ID_PATTERN = r"^[0-9]+(\.[0-9]+)*-[a-z0-9-]+-[0-9]{3}$"


class Performer(StrEnum):
    TS = "TS"
    """The test system (the conformance suite)."""
    IUT = "IUT"
    """The implementation under test."""


class TestPurpose(TsModel):
    """'with {context} ensure that { when {stimulus} then {response} }'."""

    __test__ = False  # not a pytest class

    with_: str = Field(alias="with", min_length=1, description="The initial conditions.")
    when: str = Field(min_length=1, description="The stimulus.")
    then: str = Field(min_length=1, description="The required response.")

    def text(self) -> str:
        inner = f"when {{ {self.when} }} then {{ {self.then} }}"
        return f"with {{ {self.with_} }} ensure that {{ {inner} }}"


class Check(TsModel):
    """A named semantic check on what the IUT answered, with its arguments."""

    check: Identifier = tr_field(None, "Name of the check.", examples=["equals"])
    args: dict[str, Any] = tr_field(
        None,
        "Its arguments.",
        default_factory=dict,
        examples=[{"pointer": "/result", "value": "SUCCESS"}],
    )


class CaseStep(TsModel):
    """One step of a case, by the TS or by the IUT, with the TR's step id."""

    cross_field_rules = (
        "A TS step has at most one of message and builder; an IUT step has neither.",
        "expectRefusal is only for TS steps.",
    )

    step: Identifier = tr_field(None, "The TR's step id.", examples=["2a"])
    by: Performer = tr_field(None, "Who performs the step.", examples=["TS"])
    message: dict[str, Any] | None = tr_field(
        None,
        'The TS\'s message; values {"$from": {"step", "pointer"}} are copied from '
        "an earlier step's message.",
        default=None,
        examples=[{"sessionId": "s-1"}],
    )
    builder: Identifier | None = tr_field(
        None,
        "Name of the suite's builder of the TS's message (and attachments).",
        default=None,
        examples=["split/request"],
    )
    expect_refusal: bool = tr_field(
        None,
        "The TS misbehaves on purpose: the IUT must refuse this step.",
        default=False,
        examples=[True],
    )
    optional: bool = tr_field(
        None,
        "An IUT step the TR makes optional: the IUT may skip it.",
        default=False,
        examples=[False],
    )
    checks: list[Check] = tr_field(
        None,
        "Checks on the IUT's step (or on the state after a TS step).",
        default_factory=list,
        examples=[[{"check": "equals", "args": {"pointer": "/result", "value": "SUCCESS"}}]],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.by is Performer.TS and self.message is not None and self.builder is not None:
            raise rule_violation("step_source", "give message or builder, not both")
        if self.by is Performer.IUT and (
            self.message is not None or self.builder is not None or self.expect_refusal
        ):
            raise rule_violation("iut_step", "an IUT step has no message, builder or expectRefusal")
        return self


class Reaction(TsModel):
    """Whenever the IUT performs ``step``: run ``checks`` on it, then perform ``then``."""

    cross_field_rules = ("Every step of then is performed by the TS.",)

    step: Identifier = tr_field(None, "The IUT's step (TR step id).", examples=["12"])
    checks: list[Check] = tr_field(
        None, "Checks on every occurrence of the step.", default_factory=list, examples=[[]]
    )
    then: list[CaseStep] = tr_field(
        None,
        "The TS's answer: its steps, in order.",
        default_factory=list,
        examples=[[{"step": "13", "by": "TS", "builder": "fl/training-data"}]],
    )

    @model_validator(mode="after")
    def _ts_only(self) -> Self:
        if any(entry.by is not Performer.TS for entry in self.then):
            raise rule_violation("reaction_by_ts", "a reaction's steps are the TS's")
        return self


class Preamble(TsModel):
    """State the IUT is asked to set up before the case (torn down after)."""

    state: Identifier = tr_field(None, "Named state.", examples=["repository/digits"])
    params: dict[str, Any] = tr_field(
        None, "Its parameters.", default_factory=dict, examples=[{"modelIdentifier": "digits"}]
    )


class TestCase(TsModel):
    """One conformance test case."""

    __test__ = False  # not a pytest class

    id: str = Field(pattern=CASE_ID_PATTERN, description="clause-flow-number, stable.")
    version: int = Field(1, ge=1, description="Version of this case.")
    title: str = Field(min_length=1, max_length=200)
    clause: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*$", description="TR 26.927 clause.")
    figure: str = Field(min_length=1)
    flow: Identifier = Field(description="Workflow id (see 'ts26927 flows list').")
    purpose: TestPurpose
    role: Literal[Side.UE, Side.NETWORK] = Field(description="The side the IUT plays.")
    applicability: Any = Field(
        description="Capability name, or {all: [...]}, {any: [...]}, {not: ...} over them."
    )
    preamble: Preamble
    fixtures: dict[str, Identifier] = Field(
        default_factory=dict,
        description="The data fixtures the test system uses, by role: model, "
        "ueCapabilities, serviceRequirements, flModel (see 'conformance fixtures export').",
    )
    timeout_s: NonNegativeFloat = Field(10.0, description="Per-step timeout (seconds).")
    ends_quiet: bool = Field(
        False, description="After the last step the IUT must perform nothing more."
    )
    steps: list[CaseStep] = Field(min_length=1)
    reactions: list[Reaction] = Field(
        default_factory=list,
        description="What the TS does whenever the IUT performs a step, in any order the "
        "workflow allows; with reactions, the run goes on after the last step until the IUT "
        "has nothing more to do.",
    )
    final: list[Check] = Field(
        default_factory=list, description="Checks on the whole run, once the IUT is done."
    )

    @model_validator(mode="after")
    def _one_reaction_per_step(self) -> Self:
        steps = [r.step for r in self.reactions]
        if len(steps) != len(set(steps)):
            raise rule_violation("reaction_repeats", "one reaction per IUT step")
        return self
