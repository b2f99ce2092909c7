"""Reference pages of the documentation site, generated from the models and the catalogue.

``ts26927 docs generate`` writes ``docs/reference/*.md``; ``ts26927 docs check`` fails when
the committed pages differ, like the schema drift check. Nothing here is written by hand:
each table row comes from a schema property and its ``x-tr26927`` annotation.
"""

from __future__ import annotations

from pathlib import Path

from ts26927 import generated
from ts26927.conformance.reference_page import harness_reference_page
from ts26927.docgen.cases import conformance_page
from ts26927.docgen.http_binding import http_binding_page
from ts26927.docgen.types import engine_page, messages_page, metadata_page, type_label
from ts26927.docgen.unit_layout import intermediate_data_unit_page, unit_example
from ts26927.docgen.workflows import (
    traceability_page,
    workflow_page,
    workflow_path,
    workflows_page,
)
from ts26927.flows import FLOWS

REFERENCE_DIR = "reference"
_OWNED = (f"{REFERENCE_DIR}/*.md", f"{REFERENCE_DIR}/workflows/*.md")


def expected_files() -> dict[str, str]:
    return {
        f"{REFERENCE_DIR}/metadata.md": metadata_page(),
        f"{REFERENCE_DIR}/messages.md": messages_page(),
        f"{REFERENCE_DIR}/engine.md": engine_page(),
        f"{REFERENCE_DIR}/intermediate-data-unit.md": intermediate_data_unit_page(),
        f"{REFERENCE_DIR}/workflows/index.md": workflows_page(),
        f"{REFERENCE_DIR}/traceability.md": traceability_page(),
        f"{REFERENCE_DIR}/conformance.md": conformance_page(),
        f"{REFERENCE_DIR}/harness-reference.md": harness_reference_page(),
        f"{REFERENCE_DIR}/http-binding.md": http_binding_page(),
        **{
            f"{REFERENCE_DIR}/{workflow_path(flow)}": workflow_page(flow) for flow in FLOWS.values()
        },
    }


def generate(docs_dir: Path) -> list[Path]:
    return generated.write(docs_dir, expected_files(), _OWNED)


def differences(docs_dir: Path) -> list[str]:
    return generated.differences(docs_dir, expected_files(), _OWNED)


__all__ = [
    "REFERENCE_DIR",
    "conformance_page",
    "differences",
    "engine_page",
    "expected_files",
    "generate",
    "http_binding_page",
    "intermediate_data_unit_page",
    "messages_page",
    "metadata_page",
    "traceability_page",
    "type_label",
    "unit_example",
    "workflow_page",
    "workflows_page",
]
