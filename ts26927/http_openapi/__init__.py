"""The REST binding's OpenAPI documents, generated from its table and its wire models.

One path item per route of :func:`ts26927.bindings.http.routes.routes` (a TR step the network
receives) and per session resource of each workflow; the bodies are the TR messages, whose
schemas are exactly the components of the metadata document (:func:`ts26927.schemas.
openapi_components`), and the binding's own resources (:mod:`ts26927.bindings.http.wire`).

Two forms: OpenAPI 3.1 (the canonical one, served by ``GET /openapi.json``) and OpenAPI 3.0.3
for the code generators 3GPP's users run on 3GPP's own 3.0 files: closed enumerations,
``nullable`` instead of a ``null`` type, ``example`` instead of ``examples``, and the few
JSON Schema rules 3.0 cannot state written out in the descriptions. 3GPP files use no ``x-``
extensions, so neither do the path items here: the TR clause and step id are in the text.

The modules, each building one part:

- :mod:`~ts26927.http_openapi.components`: the binding's resources, parameters, headers and
  error responses (``#/components``);
- :mod:`~ts26927.http_openapi.paths`: the path items and their operations;
- :mod:`~ts26927.http_openapi.document`: the OpenAPI 3.1 document around them;
- :mod:`~ts26927.http_openapi.openapi30`: its conversion to OpenAPI 3.0.3.
"""

from __future__ import annotations

from ts26927.http_openapi.components import WIRE_MODELS, wire_components
from ts26927.http_openapi.document import HTTP_OPENAPI_FILE, http_openapi_document
from ts26927.http_openapi.openapi30 import (
    HTTP_OPENAPI_30_FILE,
    http_openapi_30_document,
    schema_30,
)

__all__ = [
    "HTTP_OPENAPI_30_FILE",
    "HTTP_OPENAPI_FILE",
    "WIRE_MODELS",
    "http_openapi_30_document",
    "http_openapi_document",
    "schema_30",
    "wire_components",
]
