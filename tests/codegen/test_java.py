"""openapi-generator for Java (library ``native``: Jackson models) with the command of
docs/other-stacks.md, run for both metadata OpenAPI documents: the models compile and have
one class per schema (no numbered branch classes; each extensible enumeration a wrapper
that holds a String and does not read itself, each closed one a Java enum). The generated
``JSON`` class's mapper, and an ObjectMapper of one's own set up as documented, read every
example into its type and write back the same document, which the JSON Schema accepts;
unset lists are left out (``minItems: 1``); extension values of an extensible enumeration
survive only in the extensible document's models. A third run of the plain document
without the command's two options shows why each is there: unset lists go out as ``[]``,
and the types with an "at least one of" or "exactly one of" rule lose properties or cannot
be read at all.

The generator is the one the PyPI package ``openapi-generator-cli`` carries; its jar also
carries the Jackson (2.21) that the models compile and run against. The round trip is
tests/codegen/java/src (a small Java program), compiled with the models."""

from __future__ import annotations

import copy
import importlib.resources
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.codegen.conftest import OPENAPI, PLAIN_OPENAPI, examples, run
from ts26927.models.registry import TYPES
from ts26927.validation import schema_validator

_DOCS = Path(__file__).parent.parent.parent / "docs" / "other-stacks.md"
_PROGRAM = Path(__file__).parent / "java" / "src" / "main" / "java"
#: The generator version the Java notes of docs/other-stacks.md were checked with.
_VERSION = "7.25.0"
#: Jars that hold ``javax.annotation.Generated``, which every generated class carries (only
#: at compile time: its retention is SOURCE). Debian's libgeronimo-annotation-1.3-spec-java
#: (which Debian's maven brings along) installs the first.
_ANNOTATION_JARS = (
    "/usr/share/java/geronimo-annotation-1.3-spec.jar",
    "/usr/share/java/javax.annotation-api.jar",
    "~/.m2/repository/javax/annotation/javax.annotation-api/1.3.2/javax.annotation-api-1.3.2.jar",
)
#: Short-lived JVMs: the C1 compiler alone halves the generator's and javac's times.
_FAST_JVM = "-XX:TieredStopAtLevel=1"

#: Generated sets: label -> (document, the documented command's options kept or not).
_RECIPE = "recipe"
_DEFAULTS = "defaults"
_SETS: dict[str, tuple[Path, str]] = {
    "open": (OPENAPI, _RECIPE),
    "plain": (PLAIN_OPENAPI, _RECIPE),
    "defaults": (PLAIN_OPENAPI, _DEFAULTS),
}
_DOCUMENTED_SETS = ("open", "plain")
#: The plain document's models read and written by an ObjectMapper of one's own, set up as
#: docs/other-stacks.md says (tests/codegen/java: RoundTrip.own).
_OWN = "own"

#: Hand-made instances: an example with another value of an extensible enumeration
#: (FrameworkName and MetricName, where a StackOverflowError was reported before), and
#: whether the JSON Schema accepts it (an extension value) or not (off the pattern).
_EXTENSIONS: dict[str, tuple[str, list[Any], str, bool]] = {
    "ext1-AiModelInformation.json": (
        "AiModelInformation",
        ["formatFramework", 0, "name"],
        "X_FUTURE_FRAMEWORK",
        True,
    ),
    "ext2-ModelEvaluationInformation.json": (
        "ModelEvaluationInformation",
        ["metrics", 1, "name"],
        "X_CUSTOM_METRIC",
        True,
    ),
    "ext3-AiModelInformation.json": (
        "AiModelInformation",
        ["formatFramework", 0, "name"],
        "not upper snake case",
        False,
    ),
}


def _recipe_command() -> list[str]:
    """The command in the code block that follows ``<!-- java-command -->``."""
    found = re.search(r"<!-- java-command -->\s*```sh\n(.*?)```", _DOCS.read_text(), re.DOTALL)
    assert found, "java-command"
    return shlex.split(found.group(1).replace("\\\n", " "))


def _without(command: list[str], option: str, value: str) -> list[str]:
    """``command`` less ``option value``."""
    at = command.index(option)
    assert command[at + 1] == value, command[at : at + 2]
    return command[:at] + command[at + 2 :]


def _command(generator: str, label: str, out: Path) -> list[str]:
    document, kind = _SETS[label]
    command = _recipe_command()
    assert command[:2] == ["openapi-generator-cli", "generate"], command
    at = command.index("-i")
    assert command[at + 1] == PLAIN_OPENAPI.name, command[at + 1]
    command[at + 1] = str(document)
    command[command.index("-o") + 1] = str(out)
    if kind == _DEFAULTS:
        command = _without(
            command, "--openapi-normalizer", "REMOVE_ANYOF_ONEOF_AND_KEEP_PROPERTIES_ONLY=true"
        )
        at = next(i for i, a in enumerate(command) if a.startswith("--additional-properties="))
        assert "containerDefaultToNull=true," in command[at], command[at]
        command[at] = command[at].replace("containerDefaultToNull=true,", "")
    # Beyond the documented command: a package per set, to compile them together.
    package = f"org.ts26927.{label}"
    return [
        generator,
        *command[1:],
        "--invoker-package",
        package,
        "--model-package",
        f"{package}.model",
    ]


def _example_files(directory: Path) -> dict[str, tuple[str, Any]]:
    """Write each example, and the hand-made ones, to ``directory``: file -> (type, instance)."""
    cases: dict[str, tuple[str, Any]] = {}
    for index, (name, example) in enumerate(examples()):
        cases[f"{index:03d}-{name}.json"] = (name, example)
    by_type = {name: example for name, example in examples()}
    for file, (name, path, value, valid) in _EXTENSIONS.items():
        instance = copy.deepcopy(by_type[name])
        node = instance
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        assert schema_validator(name).is_valid(instance) == valid, file
        cases[file] = (name, instance)
    for file, (_, instance) in cases.items():
        (directory / file).write_text(json.dumps(instance))
    return cases


@dataclass
class Generated:
    #: label -> folder of the generated model classes
    models: dict[str, Path]
    #: file -> (type, instance)
    cases: dict[str, tuple[str, Any]]
    #: (label, case) -> the program's line: ``json``, or ``error`` and ``message``
    results: dict[tuple[str, str], dict[str, str]]


def _annotation_jar() -> Path | None:
    for candidate in _ANNOTATION_JARS:
        path = Path(candidate).expanduser()
        if path.is_file():
            return path
    return None


@pytest.fixture(scope="module")
def java(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    missing = [name for name in ("java", "javac") if shutil.which(name) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} (a JDK, 11 or newer) needed for the Java test")
    generator = shutil.which("openapi-generator-cli", path=str(Path(sys.executable).parent))
    if generator is None or importlib.util.find_spec("openapi_generator_cli") is None:
        pytest.skip(
            "openapi-generator-cli is not installed"
            f" (pip install openapi-generator-cli=={_VERSION})"
        )
    annotations = _annotation_jar()
    if annotations is None:
        pytest.skip(
            "no jar with javax.annotation.Generated"
            " (apt-get install libgeronimo-annotation-1.3-spec-java)"
        )
    jar = Path(str(importlib.resources.files("openapi_generator_cli") / "openapi-generator.jar"))
    env = {**os.environ, "JAVA_OPTS": _FAST_JVM}
    out = tmp_path_factory.mktemp("java")

    version = run([generator, "version"], timeout=120, cwd=out)
    assert version.stdout.strip() == _VERSION, (
        f"openapi-generator-cli {version.stdout.strip()}: docs/other-stacks.md was checked with"
        f" {_VERSION}; check its Java notes again with this version, then update _VERSION"
    )
    jobs = {
        label: subprocess.Popen(
            _command(generator, label, out / label),
            cwd=out,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for label in _SETS
    }
    for label, job in jobs.items():
        try:
            _, stderr = job.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            for other in jobs.values():
                other.kill()
            pytest.fail(f"openapi-generator-cli timed out on {label}")
        assert job.returncode == 0, f"{label}: {stderr[-3000:]}"

    sources = sorted(str(p) for p in [*out.rglob("*.java"), *_PROGRAM.rglob("*.java")])
    (out / "sources.txt").write_text("".join(f'"{source}"\n' for source in sources))
    classes = out / "classes"
    compiled = run(
        [
            "javac",
            f"-J{_FAST_JVM}",
            "-nowarn",
            "-proc:none",
            "-encoding",
            "UTF-8",
            "-d",
            str(classes),
            "-cp",
            os.pathsep.join([str(jar), str(annotations)]),
            "@sources.txt",
        ],
        timeout=600,
        cwd=out,
    )
    # A compilation error in the generated code is a finding, not a missing tool.
    assert compiled.returncode == 0, compiled.stdout[-3000:] + compiled.stderr[-5000:]

    examples_dir = out / "examples"
    examples_dir.mkdir()
    cases = _example_files(examples_dir)
    done = run(
        [
            "java",
            _FAST_JVM,
            "-cp",
            os.pathsep.join([str(classes), str(jar)]),
            "ts26927.codegen.RoundTrip",
            str(examples_dir),
            *(f"{label}=org.ts26927.{label}" for label in _SETS),
            f"{_OWN}=org.ts26927.plain=own",
        ],
        timeout=300,
        cwd=out,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = {}
    for line in done.stdout.splitlines():
        record = json.loads(line)
        results[record["document"], record["case"]] = record
    models = {
        label: out / label / "src" / "main" / "java" / "org" / "ts26927" / label / "model"
        for label in _SETS
    }
    return Generated(models, cases, results)


def _schemas(document: Path) -> dict[str, Any]:
    return json.loads(document.read_text())["components"]["schemas"]


#: The extensible enumerations: anyOf of an enum and a pattern, with no properties.
_EXTENSIBLE = sorted(
    n for n, s in _schemas(OPENAPI).items() if "anyOf" in s and "properties" not in s
)
#: The types with a rule across properties written as anyOf ("at least one of") or oneOf
#: ("exactly one of") beside their properties.
_RULED = sorted(
    n
    for n in TYPES
    if "properties" in _schemas(OPENAPI)[n] and {"anyOf", "oneOf"} & set(_schemas(OPENAPI)[n])
)


def _reads(source: str) -> set[str]:
    """The classes a generated anyOf/oneOf deserializer tries."""
    return set(re.findall(r"readValueAs\((\w+)\.class\)", source))


def test_one_class_per_schema_and_no_wrapper_reads_itself(java: Generated) -> None:
    assert len(_EXTENSIBLE) == 6 and {"FrameworkName", "MetricName"} <= set(_EXTENSIBLE)
    for label in _DOCUMENTED_SETS:
        document = _SETS[label][0]
        classes = {p.stem for p in java.models[label].glob("*.java")} - {"AbstractOpenApiSchema"}
        # No numbered branch classes (ControlInformationAnyOf1), no FrameworkNameEnum.
        assert classes == set(_schemas(document)), (label, classes ^ set(_schemas(document)))
    for name in _EXTENSIBLE:
        wrapper = (java.models["open"] / f"{name}.java").read_text()
        assert f"public class {name} extends AbstractOpenApiSchema" in wrapper, name
        assert _reads(wrapper) == {"String"}, name
        closed = (java.models["plain"] / f"{name}.java").read_text()
        assert f"public enum {name} " in closed, name
    for label, folder in java.models.items():
        for source in folder.glob("*.java"):
            assert source.stem not in _reads(source.read_text()), (label, source.name)
    # Without the normalizer, each rule's branches become classes numbered after the type.
    defaults = {p.stem for p in java.models["defaults"].glob("*.java")}
    assert {"ControlInformationAnyOf", "ControlInformationAnyOf5"} <= defaults


def test_every_example_round_trips_unchanged(java: Generated) -> None:
    for label in (*_DOCUMENTED_SETS, _OWN):
        for case, (name, instance) in java.cases.items():
            if case in _EXTENSIONS:
                continue
            result = java.results[label, case]
            assert "error" not in result, (label, case, result)
            written = json.loads(result["json"])
            assert written == instance, (label, case)
            errors = [e.message for e in schema_validator(name).iter_errors(written)]
            assert errors == [], (label, case, errors)


def test_unset_lists_are_left_out(java: Generated) -> None:
    """A new, unset instance writes no ``[]`` from the documented command's models (the
    generated ``JSON`` mapper leaves out nulls, and optional properties defer to it); without
    ``containerDefaultToNull`` every type with a list writes ``[]``, which ``minItems: 1``
    refuses."""
    schemas = _schemas(PLAIN_OPENAPI)
    with_lists = {
        n
        for n in TYPES
        if n not in _RULED
        and any(p.get("type") == "array" for p in schemas[n].get("properties", {}).values())
    }
    for label in _DOCUMENTED_SETS:
        mapper = (java.models[label].parent / "JSON.java").read_text()
        assert ".serializationInclusion(JsonInclude.Include.NON_NULL)" in mapper, label
        model = (java.models[label] / "AiModelInformation.java").read_text()
        assert "Include.USE_DEFAULTS" in model and "Include.ALWAYS" in model, label
    empty: dict[str, set[str]] = {label: set() for label in (*_SETS, _OWN)}
    for (label, case), result in java.results.items():
        if case.startswith("new "):
            assert "error" not in result, (label, case, result)
            if "[]" in result["json"]:
                empty[label].add(result["type"])
    assert empty["open"] == empty["plain"] == empty[_OWN] == set()
    assert empty["defaults"] == with_lists
    assert "AiModelInformation" in with_lists


def test_extension_values_need_the_extensible_document(java: Generated) -> None:
    """The extensible document's wrappers keep any string (they check neither the known
    values nor the pattern); the plain document's enums refuse what they do not list."""
    for case, (_, instance) in ((c, java.cases[c]) for c in _EXTENSIONS):
        result = java.results["open", case]
        assert "error" not in result, result
        assert json.loads(result["json"]) == instance, case
        refused = java.results["plain", case]
        assert "error" in refused, refused  # a plain Java enum knows its members only


def test_rules_across_properties_need_the_normalizer(java: Generated) -> None:
    """Without REMOVE_ANYOF_ONEOF_AND_KEEP_PROPERTIES_ONLY, a ruled type is a wrapper of its
    anyOf/oneOf branches, each of which has one property and ignores the others: an "at least
    one of" type keeps one branch's properties and drops the rest, and an "exactly one of"
    type matches both branches and reads nothing."""
    assert _RULED == [
        "ControlInformation",
        "EvaluationReport",
        "ServiceAccessInformation",
        "ServiceAnnouncement",
        "SessionUpdate",
        "TrainingReport",
    ]
    broken: dict[str, str] = {}
    for case, (name, instance) in java.cases.items():
        result = java.results["defaults", case]
        if "error" in result:
            if case not in _EXTENSIONS:
                broken[name] = result["message"]
        elif lost := set(instance) - set(json.loads(result["json"])):
            broken[name] = f"lost properties {sorted(lost)}"
    assert sorted(broken) == _RULED, broken
    one_of = {n for n in _RULED if "oneOf" in _schemas(OPENAPI)[n]}
    for name, why in broken.items():
        expected = "2 classes match result, expected 1" if name in one_of else "lost properties"
        assert expected in why, (name, why)
    assert "provisioningSessionId" in broken["ServiceAccessInformation"]  # a required one
    assert not any("StackOverflowError" in str(r) for r in java.results.values())
