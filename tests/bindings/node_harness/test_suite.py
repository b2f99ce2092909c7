"""The whole suite run once against the Node harness (``suite_report``): what it declares,
the verdicts of the split-inference and model delivery network cases and of the adaptive
delivery UE cases, and that nothing else applies."""

from __future__ import annotations

from typing import Any

from ts26927.conformance.suite import DEFAULT_CASES, load_suite

from .support import (
    ADAPTIVE_UE_CASES,
    NOT_APPLICABLE,
    SPLIT_CAPABILITIES,
    needs_node,
    verdicts_of,
)

pytestmark = needs_node


def test_it_declares_split_inference_truthfully(suite_report: dict[str, Any]) -> None:
    implementation = suite_report["implementation"]
    assert implementation["language"] == "javascript"
    declared = {"MODEL_DELIVERY_NETWORK", *SPLIT_CAPABILITIES, "ADAPTIVE_DELIVERY_UE"}
    assert declared == set(implementation["capabilities"])


def test_it_passes_every_split_inference_network_case(suite_report: dict[str, Any]) -> None:
    verdicts = verdicts_of(suite_report, "5.2.3.2-split-inference-")
    detailed = {
        c.id
        for c in load_suite(DEFAULT_CASES)
        if c.flow == "split-inference" and c.role == "NETWORK"
    }
    assert len(detailed) >= 12
    failed = [r for r in suite_report["results"] if r["id"] in detailed and r["verdict"] != "pass"]
    assert not failed, failed
    assert {i: v for i, v in verdicts.items() if i not in detailed} == dict.fromkeys(
        NOT_APPLICABLE, "not applicable"
    )


def test_it_still_passes_the_model_delivery_cases(suite_report: dict[str, Any]) -> None:
    network = {
        r["id"]: r["verdict"]
        for r in suite_report["results"]
        if r["id"].startswith("5.2.2.2.1-") and r["role"] == "NETWORK"
    }
    assert len(network) >= 3 and set(network.values()) == {"pass"}, network


def test_nothing_else_applies(suite_report: dict[str, Any]) -> None:
    for result in suite_report["results"]:
        played = (result["role"], result["flow"]) in (
            ("NETWORK", "model-delivery"),
            ("NETWORK", "split-inference"),
            ("UE", "adaptive-model-delivery"),
        )
        assert result["verdict"] == ("pass" if played else "not applicable"), result


def test_it_passes_the_adaptive_delivery_ue_cases(suite_report: dict[str, Any]) -> None:
    """Base, refinement levels and the bit-exact model (003), the tampered level refused
    (004), an update for another base refused (005); the network-side cases do not apply."""
    verdicts = {
        (r["id"], r["role"]): r["verdict"]
        for r in suite_report["results"]
        if r["flow"] == "adaptive-model-delivery"
    }
    ue = {i: v for (i, role), v in verdicts.items() if role == "UE"}
    assert set(ADAPTIVE_UE_CASES) <= set(ue) and set(ue.values()) == {"pass"}, ue
    network = {v for (_, role), v in verdicts.items() if role == "NETWORK"}
    assert network == {"not applicable"}
