"""What an implementation declares (ICS, IXIT) and what a case asks of it (preamble
states, fixtures) are checked against the suite's registries, with typed errors."""

from __future__ import annotations

import json

import pytest

from ts26927.bindings.base import ImplementationInfo
from ts26927.bindings.preambles import STATES, preamble_state
from ts26927.bindings.reference import ReferenceImplementation
from ts26927.conformance.applicability import names
from ts26927.conformance.capabilities import NAMES
from ts26927.conformance.fixtures.models import model_fixture
from ts26927.conformance.ixit import ITEMS, IxitError, resolve
from ts26927.conformance.preamble import with_fixture_digests
from ts26927.conformance.refusals import in_band
from ts26927.conformance.runner import run_case
from ts26927.conformance.suite import DEFAULT_CASES, SuiteError, load_case, load_suite
from ts26927.conformance.verdict import Verdict

CASES = load_suite()


def test_every_capability_a_case_needs_is_registered_and_used() -> None:
    used = set().union(*(names(c.applicability) for c in CASES))
    assert used <= NAMES
    assert NAMES - used == set(), "a registered capability no case needs"
    assert ReferenceImplementation().describe().capabilities == NAMES


def test_ixit_defaults_and_declared_values() -> None:
    assert resolve({}) == {i.name: i.default for i in ITEMS}
    declared = resolve(
        {"federatedAggregation": "FEDAVG_SERVER_STEP", "federatedServerStepSize": 0.5}
    )
    assert declared["federatedServerStepSize"] == 0.5


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ({"federatedAggregaton": "FEDAVG"}, "unknown IXIT item 'federatedAggregaton'"),
        ({"federatedAggregation": "MEAN"}, "is not one of"),
        ({"federatedServerStepSize": "fast"}, "is not a number"),
        ({"federatedTrimFraction": 0.7}, "is not in"),
    ],
)
def test_a_bad_ixit_declaration_is_refused_by_name(declared: dict, message: str) -> None:
    with pytest.raises(IxitError, match=message):
        resolve(declared)


def test_a_bad_ixit_declaration_makes_the_case_an_error() -> None:
    reference = ReferenceImplementation()
    info = reference.describe()
    bad = ImplementationInfo(info.name, info.version, capabilities=info.capabilities,
                             ixit={"federatedAggregation": "MEAN"})  # fmt: skip
    result = run_case(CASES[0], reference, bad)
    assert result.verdict is Verdict.ERROR and "federatedAggregation" in result.reason


def test_every_case_preamble_is_a_registered_state() -> None:
    for case in CASES:
        preamble_state(case.preamble.state).check(case.preamble.params)
    assert {c.preamble.state for c in CASES} == {s.name for s in STATES}


def test_the_runner_adds_the_model_digest() -> None:
    params = with_fixture_digests({"model": "digits", "sample": 1})
    assert params["modelSha256"] == model_fixture("digits").sha256


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["preamble"].update(state="nowhere"), "unknown preamble state"),
        (lambda c: c.update(applicability="TELEPORT"), "unknown capability 'TELEPORT'"),
        (lambda c: c["fixtures"].update(ueCapabilities="ue-imaginary"), "unknown ueCapabilities"),
        (lambda c: c["fixtures"].update(colour="red"), "unknown fixture role"),
        (lambda c: c["preamble"]["params"].update(model="resnet9000"), "unknown model fixture"),
    ],
)
def test_cases_naming_what_does_not_exist_are_refused(tmp_path, change, message: str) -> None:
    source = DEFAULT_CASES / "5.2.3.2-split-inference-001.json"
    data = json.loads(source.read_text())
    change(data)
    target = tmp_path / source.name
    target.write_text(json.dumps(data))
    with pytest.raises(SuiteError, match=message):
        load_case(target)


def test_in_band_refusals_are_looked_up_by_flow_and_step() -> None:
    refusal = in_band("split-inference", "6b")
    assert refusal is not None and refusal.answer == "9b"
    assert refusal.matches({"result": "FAILURE", "cause": "x"})
    assert not refusal.matches({"result": "SUCCESS"}) and not refusal.matches(None)
    assert in_band("split-inference", "2a") is None
