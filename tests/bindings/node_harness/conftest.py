"""The expensive fixtures of the Node harness tests, built once for the whole package: the
exported fixtures, onnxruntime-node in the harness folder, and the whole suite run against
the harness."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from ts26927.cli import main

from .support import FOLDER, NPM, NPM_TIMEOUT_S, run_conformance, runtime_problem


@pytest.fixture(scope="package")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture the cases use, exported as a vendor gets them."""
    folder = tmp_path_factory.mktemp("node-harness") / "fixtures"
    assert main(["conformance", "fixtures", "export", str(folder)]) == 0
    return folder


@pytest.fixture(scope="package")
def runtime() -> None:
    """onnxruntime-node in the harness folder: installed by npm if it is not there yet."""
    if runtime_problem() is None:
        return
    if NPM is None:
        pytest.skip("npm is not installed: cannot install onnxruntime-node for the Node harness")
    command = [NPM, "ci", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"]
    try:
        done = subprocess.run(
            command, cwd=FOLDER, capture_output=True, text=True, timeout=NPM_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"npm ci took over {NPM_TIMEOUT_S} s (is the registry reachable?)")
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if not line.strip().endswith(")")]
        why = " | ".join(lines[:4])
        pytest.skip(f"npm could not install onnxruntime-node (is the registry reachable?): {why}")
    if problem := runtime_problem():
        pytest.skip(f"onnxruntime-node was installed but does not load: {problem}")


@pytest.fixture(scope="package")
def suite_report(
    fixtures: Path, runtime: None, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The whole suite against the harness, once."""
    return run_conformance(fixtures, tmp_path_factory.mktemp("node-run"))
