"""TypeScript from the schemas: openapi-typescript (from the two metadata OpenAPI documents
and the REST binding's 3.1 and 3.0 ones) and
json-schema-to-typescript (from each schema, with the options of docs/other-stacks.md),
checked with ``tsc --strict``: every type named, no ``unknown``/``any`` where the schema
says more, no numbered duplicate names, arrays assignable from ``T[]``, every example
assignable to its type, and deliberately wrong ones refused."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.codegen.conftest import (
    HTTP_OPENAPI,
    HTTP_OPENAPI_30,
    OPENAPI,
    PLAIN_OPENAPI,
    SCHEMAS,
    examples,
    run,
    tool,
)
from ts26927.models.registry import TYPES

_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)
_NUMBERED = re.compile(r"export (?:interface|type) ([A-Za-z_]+[0-9]+)\b")


def _code(text: str) -> str:
    return _COMMENT.sub("", text)


#: (OpenAPI document, generated declarations, openapi-typescript options).
_FROM_OPENAPI: tuple[tuple[Path, str, tuple[str, ...]], ...] = (
    (OPENAPI, "openapi.d.ts", ()),
    (PLAIN_OPENAPI, "plain.d.ts", ()),
    (HTTP_OPENAPI, "http.d.ts", ()),
    (HTTP_OPENAPI_30, "http30.d.ts", ("--redocly", "redocly-openapi-3.0.yaml")),
)
_BINDING = (HTTP_OPENAPI, HTTP_OPENAPI_30)


def _schema_blocks(code: str) -> dict[str, str]:
    """The generated type of each component schema, by name."""
    section = code.split("export interface components {", 1)[1]
    section = section.split("\n    schemas: {", 1)[1].split("\n    };", 1)[0]
    parts = re.split(r"\n {8}(\w+): ", section)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.fixture(scope="module")
def generated(node_tools: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ts")
    for source, target, options in _FROM_OPENAPI:
        command = [tool("openapi-typescript"), str(source), *options, "-o", str(out / target)]
        done = run(command, timeout=120)
        assert done.returncode == 0, done.stderr
    files = [str(f) for f in sorted(SCHEMAS.glob("*.schema.json"))]
    done = run(["node", "json2ts.mjs", str(out / "json2ts"), *files], timeout=120)
    assert done.returncode == 0, done.stderr
    return out


def test_every_type_is_named_and_nothing_is_unknown(generated: Path) -> None:
    """Nothing is unknown in the TR types; in the binding's documents, only the members the
    binding leaves open are (a preamble's parameters, a performed step's message, the
    members a Problem Details may add, and headers nobody documents)."""
    for document, target, _ in _FROM_OPENAPI:
        code = _code((generated / target).read_text())
        names = json.loads(document.read_text())["components"]["schemas"]
        missing = [n for n in names if not re.search(rf"\n\s+{n}: ", code)]
        assert missing == [], f"{target}: no type for {missing}"
        if document not in _BINDING:
            assert not re.search(r"\b(unknown|any)\b", code), target
            continue
        blocks = _schema_blocks(code)
        assert set(blocks) == set(names), target
        vague = {n for n, block in blocks.items() if re.search(r"\b(unknown|any)\b", block)}
        assert vague == {"Preamble", "PerformedStep", "ProblemDetails"}, target
    for name in TYPES:
        code = _code((generated / "json2ts" / f"{name}.d.ts").read_text())
        assert re.search(rf"export (interface|type) {name}\b", code), name
        assert not re.search(r"\b(unknown|any)\b", code), name
        assert _NUMBERED.findall(code) == [], name


def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _program(generated: Path) -> tuple[str, set[int]]:
    """A TypeScript file assigning each example to its type in each generated form, and
    each type's list properties from plain ``T[]``; and the lines of the assignments that
    must fail (each example with a property the schema does not have)."""
    lines = [
        'import type { components as Open } from "./openapi";',
        'import type { components as Closed } from "./plain";',
        'import type { components as Http } from "./http";',
        'import type { components as Http30 } from "./http30";',
        # openapi-typescript writes anyOf beside properties as a union of the object and each
        # branch: take a property from whichever member has it.
        "type Prop<T, K extends PropertyKey> = T extends unknown"
        " ? (K extends keyof T ? NonNullable<T[K]> : never) : never;",
    ]
    lines += [f'import type {{ {n} as J{n} }} from "./json2ts/{n}";' for n in TYPES]
    wrong: set[int] = set()
    for index, (name, example) in enumerate(examples()):
        forms = (
            *(f'{d}["schemas"]["{name}"]' for d in ("Open", "Closed", "Http", "Http30")),
            f"J{name}",
        )
        for form in forms:
            tag = f"{index}_{len(lines)}"
            lines.append(f"const ok{tag}: {form} = {_literal(example)};")
            for key, value in example.items():
                if isinstance(value, list):
                    item = f'Prop<{form}, "{key}">[number]'
                    lines.append(f"declare const list{tag}_{key}: {item}[];")
                    lines.append(
                        f"const arr{tag}_{key}: {form} = {{ ...ok{tag}, {key}: list{tag}_{key} }};"
                    )
            lines.append(f"const bad{tag}: {form} = {_literal({**example, 'notInTheTr': 1})};")
            wrong.add(len(lines))
    return "\n".join(lines) + "\n", wrong


def test_examples_compile_under_strict_and_wrong_ones_do_not(generated: Path) -> None:
    program, wrong = _program(generated)
    (generated / "check.ts").write_text(program)
    done = run(
        [
            tool("tsc"),
            "--strict",
            "--noEmit",
            "--target",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
            str(generated / "check.ts"),
        ],
        timeout=180,
    )
    assert done.returncode != 0  # the deliberately wrong assignments
    failed = {
        int(m.group(1)): m.group(0)
        for m in re.finditer(r"check\.ts\((\d+),\d+\): error [^\n]*", done.stdout)
    }
    unexpected = {line: text for line, text in failed.items() if line not in wrong}
    assert unexpected == {}, list(unexpected.values())[:5]
    assert set(failed) == wrong, f"accepted: {sorted(wrong - set(failed))[:5]}"
