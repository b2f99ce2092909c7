"""The data files shipped with the package, found the same way from a wheel or a checkout.

A wheel carries them under ``ts26927/_data/`` (see ``[tool.hatch.build.targets.wheel]`` in
``pyproject.toml``); a repository checkout keeps them where maintainers edit them
(``schemas/``, ``conformance/``). Code and users ask for a resource by name, never by path.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ts26927.errors import Ts26927Error


@dataclass(frozen=True)
class Resource:
    name: str
    #: Where a wheel puts it, relative to the ``ts26927`` package.
    packaged: str
    #: Where it lives in a repository checkout, relative to the repository root.
    checkout: str
    description: str


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource(
            "schemas",
            "_data/schemas",
            "schemas",
            "JSON Schemas (2020-12) of every type, the metadata OpenAPI documents, the REST "
            "binding's (3.1 and 3.0) and the conformance formats (cases, declarations)",
        ),
        Resource(
            "protocol",
            "_data/conformance/protocol",
            "conformance/protocol",
            "JSON Schema of the stdio harness protocol (stdio.schema.json)",
        ),
        Resource(
            "harness-node",
            "_data/conformance/harness/node",
            "conformance/harness/node",
            "an example harness program in Node.js (run `npm ci` in a copy)",
        ),
        Resource(
            "cases",
            "conformance/cases",
            "ts26927/conformance/cases",
            "the conformance cases, one JSON file each",
        ),
    )
}


class ResourceMissingError(Ts26927Error):
    """A shipped data file is missing: the installation is incomplete."""


def resource_path(name: str) -> Path:
    """The directory of resource ``name`` (the wheel's copy, else the checkout's)."""
    try:
        resource = RESOURCES[name]
    except KeyError:
        known = ", ".join(RESOURCES)
        raise ResourceMissingError(f"no resource {name!r} (known: {known})") from None
    # Wheels are installed unpacked, so the traversable is a real directory.
    packaged = Path(str(files("ts26927").joinpath(resource.packaged)))
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / resource.checkout
    if checkout.is_dir():
        return checkout
    raise ResourceMissingError(
        f"resource {name!r} is neither at {packaged} nor at {checkout}: "
        "reinstall ts26927 from a complete wheel"
    )
