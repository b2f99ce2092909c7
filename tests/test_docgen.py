from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ts26927 import docgen
from ts26927.bindings.http.causes import CAUSES
from ts26927.bindings.http.routes import api_root, flows_served, routes
from ts26927.bindings.http.server import create_app
from ts26927.bindings.reference import factory
from ts26927.docgen.http_binding import OPENAPI_PATH, SESSION_ROUTES
from ts26927.flows import FLOWS
from ts26927.flows.functions import Side
from ts26927.models.catalogue import ROWS
from ts26927.models.registry import MESSAGE_TYPES, METADATA_TYPES

ROOT = Path(__file__).parent.parent


def test_committed_reference_pages_equal_the_generated_ones() -> None:
    assert docgen.differences(ROOT / "docs") == []


def test_metadata_page_has_every_type_and_every_tr_row() -> None:
    page = docgen.metadata_page()
    for cls in METADATA_TYPES:
        assert f"\n## {cls.__name__}\n" in page
    for row in ROWS:
        if row.metadata_type != "Control information":
            # The origin cell starts with the row; TR phrases of workflow steps may follow.
            assert f"| {row.metadata_type} ({row.clause})" in page, row
    assert "| `connectionCapabilities` | string | no | bit/s |" in page
    assert "- When splitPointInformation is present, its length equals splitPoints." in page


def test_messages_page_has_every_message() -> None:
    page = docgen.messages_page()
    for cls in MESSAGE_TYPES:
        assert f"\n## {cls.__name__}\n" in page


def test_messages_page_shows_each_propertys_and_types_origin() -> None:
    page = docgen.messages_page()
    assert "| origin | description |" in page
    assert (
        "| `availableBandwidth` | [LinkBandwidth](#linkbandwidth) | no |  |  | "
        "TR: 'available bandwidth (uplink/downlink)' (split-inference 2a) |"
    ) in page
    assert "| `sessionId` | string | yes |  | length ≥ 1 | library | " in page
    assert "This library's message type (the TR defines no message formats) for these " in page
    assert "No workflow step carries it: it asks for an AI model update" in page


def test_workflows_index_links_every_workflow_page() -> None:
    page = docgen.workflows_page()
    files = docgen.expected_files()
    for flow in FLOWS.values():
        assert f"| [{flow.id}]({flow.id}.md): " in page
        assert f"reference/workflows/{flow.id}.md" in files


def test_workflow_page_has_a_diagram_and_a_step_table_per_phase() -> None:
    for flow in FLOWS.values():
        page = docgen.workflow_page(flow)
        assert page.count("```mermaid") == len(flow.parts()) > 1
        for note in flow.notes:
            assert note in page
        for step in flow.steps:
            assert f"\n| {step.id} | {step.sender.name} → {step.receiver.name} | " in page
    page = docgen.workflow_page(FLOWS["split-inference"])
    assert "## 2. AI model subset delivery\n" in page
    assert (
        "| 2a | UE Application → Network Application | "
        "[AiSplitInferenceRequest](../messages.md#aisplitinferencerequest) | "
        "AI split inference request | Alternative 1: network decides; repeats |"
    ) in page
    # Arrows carry the step id and the message type; the TR's words are in the table only.
    assert "UE_APPLICATION->>NETWORK_APPLICATION: 2a: AiSplitInferenceRequest\n" in page
    assert page.count("AI split inference request") == 1


def test_traceability_page_has_one_line_per_row_and_step() -> None:
    page = docgen.traceability_page()
    assert page.count("\n| 6.6") == len(ROWS)
    assert "not implemented" not in page
    steps = sum(len(flow.steps) for flow in FLOWS.values())
    assert page.count("`ts26927.flows.FLOWS[") == steps


def test_traceability_page_lists_each_steps_tr_phrases_and_their_properties() -> None:
    page = docgen.traceability_page()
    section = page[page.index("## What each step's TR sentence lists") :]
    for flow in FLOWS.values():
        assert f"\n### {flow.id}\n" in section
    assert (
        "| 2a | available bandwidth (uplink/downlink) | "
        "`AiSplitInferenceRequest/availableBandwidth`" in section
    )
    assert "| 3b | uplink/downlink connections | `AiModelInformationResponse/candidates/" in section
    assert "| 19 | media status reports | — | Not carried as such" in section


def _workflow_sections(page: str) -> dict[str, str]:
    """The REST binding page's section of each workflow, by workflow id."""
    body = page[page.index("\n## Workflows\n") : page.index("\n## Logical functions\n")]
    return {part.split("\n", 1)[0]: part for part in body.split("\n### ")[1:]}


def test_http_binding_page_has_every_route_with_its_step_parties_and_parts() -> None:
    page = docgen.http_binding_page()
    sections = _workflow_sections(page)
    assert list(sections) == list(flows_served())
    for route in routes():
        section = sections[route.flow]
        assert f"API root `{api_root(route.flow)}`" in section
        # Every step route is a collection of the session: the table gives the part below it.
        collection = route.path.removeprefix("/sessions/{sessionId}/")
        assert f"/sessions/{{sessionId}}/{collection}" == route.path
        request = f" | {route.method} `{collection}` | "
        row = next(line for line in section.splitlines() if request in line)
        assert row.startswith(f"| {route.step}{request}"), row
        message = row.removesuffix(" |").rsplit(" | ", 1)[1]
        parts = ", ".join(f"`{name}`" for name in route.attachments)
        assert message.endswith(f" + {parts}") if parts else " + " not in message, row
    assert (
        "| 18b | POST `intermediate-data-deliveries` | Intermediate Data Delivery Function (UE) "
        "→ Intermediate Data Access Function (network) | "
        "[IntermediateDataDelivery](messages.md#intermediatedatadelivery) + `unit` |"
    ) in sections["split-inference"]
    # A step either side sends is carried from the test system's function to the network's.
    assert (
        "| 2 | POST `model-selections` | UE Application → Network Application (either side "
        "sends) | [ModelSelection](messages.md#modelselection) |"
    ) in sections["model-delivery"]


def test_http_binding_page_lists_every_step_the_network_reports() -> None:
    sections = _workflow_sections(docgen.http_binding_page())
    for flow in FLOWS.values():
        reported = sections[flow.id].split("reports in `performed`", 1)[1]
        rows = [line.split(" | ")[0].removeprefix("| ") for line in reported.splitlines()[4:]]
        assert [r for r in rows if r] == [
            s.id for s in flow.steps if s.performed_by(Side.NETWORK)
        ], flow.id
    assert (
        "| 3 | `NETWORK_APPLICATION` | `AI_MODEL_REPOSITORY` | "
        "[ModelIdentification](messages.md#modelidentification) |"
    ) in sections["split-inference-ue-source"]
    action = "| 12 | `NETWORK_INFERENCE_ENGINE` | `NETWORK_INFERENCE_ENGINE` | `null` (an action) |"
    assert action in sections["split-inference-ue-source"]


def test_http_binding_page_documents_exactly_the_resources_the_server_serves() -> None:
    app = create_app(factory, ["t"])  # the factory is called per session: never here
    served = {
        (method, route.path.replace("{session_id}", "{sessionId}"))
        for route in app.routes
        for method in getattr(route, "methods", ())
    }
    steps = {(r.method, r.full_path) for r in routes()}
    documented = {
        (method, api_root(flow) + r.path)
        for flow in flows_served()
        for r in SESSION_ROUTES
        if "<step route>" not in r.path
        for method in r.methods
    }
    assert served - steps == documented | {("GET", OPENAPI_PATH)}


def test_http_binding_page_has_every_cause_with_its_status() -> None:
    page = docgen.http_binding_page()
    for c in CAUSES:
        status = str(c.status) if c.status is not None else "that error's"
        assert f"| {c.name} | {status} | " in page, c.name
    assert "| `sessionId` | string | yes | pattern `^[A-Za-z0-9_-]{16,64}$` |" in page
    assert "[Preamble states](harness-reference.md#preamble-states)" in page


def test_type_labels() -> None:
    assert docgen.type_label({"$ref": "#/$defs/Framework"}) == "[Framework](#framework)"
    assert docgen.type_label({"type": "array", "items": {"type": "integer"}}) == "array of integer"
    extensible = {"anyOf": [{"$ref": "#/$defs/X"}, {"type": "string"}]}
    assert docgen.type_label(extensible) == "[X](#x) (extensible)"


def test_a_stale_page_is_reported(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    page = tmp_path / "docs" / "reference" / "metadata.md"
    page.write_text(page.read_text().replace("AiModelInformation", "AIModelInformation", 1))
    (tmp_path / "docs" / "reference" / "old.md").write_text("# old\n")
    found = "\n".join(docgen.differences(tmp_path / "docs"))
    assert "+++ generated/reference/metadata.md" in found
    assert "not generated by the models: reference/old.md" in found
    docgen.generate(tmp_path / "docs")
    assert docgen.differences(tmp_path / "docs") == []


def test_site_builds_strictly(tmp_path: Path) -> None:
    mkdocs = Path(sys.executable).with_name("mkdocs")
    if not mkdocs.exists():
        pytest.skip("mkdocs-material is not installed (the docs extra)")
    done = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "reference" / "metadata" / "index.html").is_file()
