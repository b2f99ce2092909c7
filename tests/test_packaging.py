"""The wheel alone runs the suite: built from this checkout, installed into a fresh virtual
environment in a temporary directory, and run from there (no checkout on the path).

The fresh environment borrows the already installed third-party dependencies (a ``.pth``
line naming this environment's site-packages) so that the test needs no network; the
``ts26927`` package itself comes only from the wheel, which is checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from ts26927 import __version__

ROOT = Path(__file__).resolve().parents[1]


def _run(command: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    pytest.importorskip("hatchling", reason="hatchling (the build backend) is not installed")
    done = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        cwd=out,
    )
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("ts26927-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin directory of a fresh venv holding the wheel."""
    venv = tmp_path_factory.mktemp("venv")
    done = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv)
    assert done.returncode == 0, done.stderr
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            cwd=venv,
        ).stdout.strip()
    )
    # The dependencies only: a path line in a .pth file adds that directory, but .pth files
    # inside it (this checkout's editable install among them) are not read.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    done = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        cwd=venv,
    )
    assert done.returncode == 0, done.stderr
    return venv / "bin"


def test_the_wheel_carries_the_data_and_the_typing_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ts26927/py.typed" in names
    prefix = "ts26927/_data/schemas/"
    shipped = {n.removeprefix(prefix) for n in names if n.startswith(prefix)}
    committed = ROOT / "schemas"
    assert shipped == {p.relative_to(committed).as_posix() for p in committed.rglob("*.json")}
    assert "ts26927/_data/conformance/protocol/stdio.schema.json" in names
    assert "ts26927/_data/conformance/harness/node/harness.js" in names
    cases = {n for n in names if n.startswith("ts26927/conformance/cases/")}
    assert len(cases) == len(list((ROOT / "ts26927/conformance/cases").glob("*.json")))
    assert not [n for n in names if "node_modules" in n or "__pycache__" in n]


def test_the_installed_package_runs_the_suite_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    ts26927 = str(installed / "ts26927")
    where = _run(
        [str(installed / "python"), "-c", "import ts26927; print(ts26927.__file__)"], tmp_path
    )
    assert Path(where.stdout.strip()).is_relative_to(installed.parent), where
    assert not Path(where.stdout.strip()).is_relative_to(ROOT)

    version = _run([ts26927, "--version"], tmp_path)
    assert f"ts26927 {__version__}" in version.stdout

    listed = _run([ts26927, "validate", "--list"], tmp_path)
    assert listed.returncode == 0 and "ModelManifest" in listed.stdout, listed.stderr

    exported = _run([ts26927, "schemas", "export", "--dir", str(tmp_path / "out")], tmp_path)
    assert exported.returncode == 0, exported.stderr
    out, committed = tmp_path / "out", ROOT / "schemas"
    assert {p.relative_to(out) for p in out.rglob("*.json")} == {
        p.relative_to(committed) for p in committed.rglob("*.json")
    }

    data = _run([ts26927, "data", "--json"], tmp_path)
    assert data.returncode == 0, data.stderr
    for resource in json.loads(data.stdout):
        assert Path(resource["path"]).is_relative_to(installed.parent), resource

    report = tmp_path / "report.json"
    run = _run(
        [ts26927, "conformance", "run", "--clause", "5.2.2.2.1", "--report", str(report)],
        tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads(report.read_text())
    verdicts = [case["verdict"] for case in results["results"]]
    assert verdicts and set(verdicts) == {"pass"}, verdicts
    assert results["suiteVersion"] == __version__
