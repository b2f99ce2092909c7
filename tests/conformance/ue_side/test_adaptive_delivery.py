"""The UE side of adaptive model delivery in the self-test: its cases pass against the
reference UE, every UE mutant is caught by the case written for it at its step, and every
legal UE variant passes every case of the workflow. Also the test system's network-side
builders: uncompressed packages that rebuild the same model, the tampered and foreign ones."""

from __future__ import annotations

from functools import cache

import pytest

from ts26927.conformance.builders.adaptive_delivery import _manifest, network_model
from ts26927.conformance.builders.registry import build
from ts26927.conformance.case import TestCase
from ts26927.conformance.context import CaseContext, IutDataFault, Record
from ts26927.conformance.suite import load_suite
from ts26927.conformance.ue_side import MUTANTS, VARIANTS
from ts26927.conformance.ue_side.adaptive_delivery import FLOW
from ts26927.conformance.ue_side.adaptive_delivery import MUTANTS as ADAPTIVE_MUTANTS
from ts26927.conformance.ue_side.adaptive_delivery import VARIANTS as ADAPTIVE_VARIANTS
from ts26927.engine.delivery.package import read_header
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.split.service import digits_service
from ts26927.models.messages.adaptive import SectionCompression

from .selfcheck import mutant_caught, reference_passes, variant_passes

UE_CASES = (
    "5.2.2.2.2-adaptive-model-delivery-003",
    "5.2.2.2.2-adaptive-model-delivery-004",
    "5.2.2.2.2-adaptive-model-delivery-005",
)


@cache
def _cases() -> dict[str, TestCase]:
    digits_service()  # built once, outside any timed call
    return {c.id: c for c in load_suite() if c.flow == FLOW}


def test_they_are_registered_with_the_ue_side() -> None:
    assert set(ADAPTIVE_MUTANTS) <= set(MUTANTS)
    assert set(ADAPTIVE_VARIANTS) <= set(VARIANTS)
    assert {m.case for m in ADAPTIVE_MUTANTS} == set(UE_CASES)


@pytest.mark.parametrize("case_id", UE_CASES)
def test_the_reference_ue_passes(case_id: str) -> None:
    reference_passes(_cases()[case_id])


@pytest.mark.parametrize("spec", ADAPTIVE_MUTANTS, ids=lambda s: s.name)
def test_each_mutant_is_caught_at_its_step(spec) -> None:
    mutant_caught(spec, _cases()[spec.case])


@pytest.mark.parametrize("spec", ADAPTIVE_VARIANTS, ids=lambda s: s.name)
def test_each_variant_passes_every_case_of_the_workflow(spec) -> None:
    results = variant_passes(spec, list(_cases().values()))
    assert {r.case for r in results} >= set(UE_CASES)


# -- the builders ----------------------------------------------------------------------------
def test_the_packages_are_stored_uncompressed_and_rebuild_the_full_model() -> None:
    held = network_model("digits")
    for chain in held.chains.values():
        progressive = None
        for _, data in chain:
            header, _ = read_header(data, "package")
            assert all(s.compression is SectionCompression.NONE for s in header.sections)
            if progressive is None:
                progressive = ProgressiveModel(data)
            else:
                progressive.apply(data)
        assert progressive is not None and sha256(progressive.to_bytes()) == sha256(held.full)


def test_the_foreign_chain_updates_another_base() -> None:
    held = network_model("digits")
    listed, foreign = held.chains["listed"], held.chains["foreign"]
    assert read_header(foreign[1][1], "update")[0].parent_sha256 == sha256(foreign[0][1])
    assert sha256(foreign[0][1]) != sha256(listed[0][1])
    swapped = _manifest("digits", swap_update="digits-int16")["models"][0]["variants"]
    assert {v["variantIdentifier"]: v["sha256"] for v in swapped}["digits-int16"] == sha256(
        foreign[1][1]
    )


def _ctx(*records: Record) -> CaseContext:
    ctx = CaseContext("c", "UE", {"model": "digits"}, flow=FLOW)
    ctx.records.append(Record("1", "TS", _manifest("digits"), {}))
    ctx.records.extend(records)
    return ctx


def test_the_package_is_the_variant_requested_last_and_tampering_keeps_the_digest() -> None:
    request = Record(
        "3", "IUT", {"modelIdentifier": "digits", "variantIdentifier": "digits-int8"}, {}
    )
    session = Record("5", "IUT", {"deliverySessionId": "s-9", "modelIdentifier": "digits"}, {})
    update = Record(
        "11",
        "IUT",
        {"modelIdentifier": "digits", "fromVariant": "digits-int8", "toVariant": "digits-int16"},
        {},
    )
    message, attachments = build("adaptive-network/package", _ctx(request, session))
    assert message is not None and message["deliverySessionId"] == "s-9"
    assert (
        message["sha256"]
        == sha256(attachments["model"])
        == sha256(network_model("digits").chains["listed"][0][1])
    )
    message, attachments = build("adaptive-network/package", _ctx(request, update))
    assert message is not None and message["variantIdentifier"] == "digits-int16"
    tampered, broken = build("adaptive-network/package-tampered", _ctx(request, update))
    assert tampered == message and sha256(broken["model"]) != message["sha256"]
    assert broken["model"][:-1] == attachments["model"][:-1]


def test_a_package_for_an_unlisted_variant_is_the_iuts_fault() -> None:
    request = Record(
        "3", "IUT", {"modelIdentifier": "digits", "variantIdentifier": "digits-int4"}, {}
    )
    with pytest.raises(IutDataFault, match="'digits-int4' is not a variant of the manifest"):
        build("adaptive-network/package", _ctx(request))
