"""The modules under mutation testing, each with the tests that should kill its mutants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CHECKS = (
    "registry",
    "generic",
    "delivery",
    "split",
    "federated",
    "adaptive",
    "tolerance",
    # The UE under test.
    "ue_adaptive",
    "ue_federated",
    "ue_split",
    "ue_operation",
)


@dataclass(frozen=True)
class Module:
    name: str
    path: str
    tests: tuple[str, ...]
    # A survivor is also tried against `ts26927 conformance selftest` (the suite's own
    # broken and legal implementations): a check that stops catching one is killed there.
    selftest: bool = False


MODULES: tuple[Module, ...] = (
    *(
        Module(
            f"checks.{name}",
            f"ts26927/conformance/checks/{name}.py",
            ("tests/conformance/checks/",),
            selftest=True,
        )
        for name in CHECKS
    ),
    Module("session", "ts26927/flows/session.py", ("tests/flows/",)),
    Module(
        "unit",
        "ts26927/engine/split/unit.py",
        ("tests/engine/split/", "tests/engine/onnxtools/test_codecs.py"),
    ),
    Module(
        "aggregate",
        "ts26927/engine/federated/aggregate.py",
        ("tests/engine/federated/test_aggregate.py",),
    ),
    Module(
        "screening",
        "ts26927/engine/federated/screening.py",
        ("tests/engine/federated/test_screening.py", "tests/engine/federated/test_server.py"),
    ),
)


def select(names: Iterable[str]) -> list[Module]:
    """The modules named (all when none is): a full name (``checks.adaptive``), the part after
    the dot (``adaptive``), a group (``checks``) or the file's path."""
    wanted = list(names)
    if not wanted:
        return list(MODULES)
    chosen = []
    for name in wanted:
        key = name.removesuffix(".py").replace("/", ".")
        found = [
            m
            for m in MODULES
            if key
            in (
                m.name,
                m.name.rpartition(".")[2],
                m.name.partition(".")[0],
                m.path[:-3].replace("/", "."),
            )
        ]
        if not found:
            known = ", ".join(m.name for m in MODULES)
            raise ValueError(f"unknown module {name!r} (known: {known}, or 'checks')")
        chosen += [m for m in found if m not in chosen]
    return chosen


def by_tests(modules: Iterable[Module]) -> dict[tuple[str, ...], list[Module]]:
    """Modules grouped by their tests: one mutmut run serves every module of a group."""
    groups: dict[tuple[str, ...], list[Module]] = {}
    for module in modules:
        groups.setdefault(module.tests, []).append(module)
    return groups
