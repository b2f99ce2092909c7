"""Turn a ``--target`` string into an implementation: ``python:package.module:factory``
(in-process), ``stdio:COMMAND ARGS`` (a harness program over stdin/stdout, started and
greeted here) or ``http://HOST:PORT`` / ``https://…`` (a service speaking the REST binding,
with its vendor's declaration file and a bearer token). Other schemes are refused with a
clear message."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from ts26927.bindings.base import Implementation
from ts26927.bindings.stdio import stdio_target
from ts26927.errors import HarnessError, TargetError

DEFAULT_TARGET = "python:ts26927.bindings.reference:factory"
#: Where an HTTP target's bearer token is read when no option gives it.
TOKEN_ENV = "TS26927_TOKEN"
#: Every kind of target, for ``--help``.
TARGET_HELP = (
    "the implementation under test: 'python:package.module:factory' (a Python object in "
    "this process), 'stdio:COMMAND ARGS' (a harness program in any language, speaking "
    "the JSON-lines harness protocol on stdin/stdout) or 'http://HOST:PORT' (a service "
    "speaking the REST binding; needs --declaration, and --token or $TS26927_TOKEN); "
    f"default {DEFAULT_TARGET}"
)


def load_target(
    target: str = DEFAULT_TARGET,
    *,
    token: str | None = None,
    declaration: str | None = None,
    timeout_s: float = 60.0,
) -> Implementation:
    scheme, _, rest = target.partition(":")
    if scheme not in ("http", "https") and (declaration is not None or token is not None):
        # A python or stdio implementation declares itself (describe); an option it would
        # silently ignore is a usage error, not a run under other assumptions.
        option = "--declaration" if declaration is not None else "--token"
        raise TargetError(
            f"{target!r}: {option} is for HTTP targets; this implementation declares its "
            "capabilities and choices itself"
        )
    if scheme == "python":
        module_name, _, attribute = rest.partition(":")
        if not module_name or not attribute:
            raise TargetError(f"{target!r}: expected python:package.module:factory")
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            raise TargetError(f"{target!r}: cannot import {module_name}: {error}") from None
        factory = getattr(module, attribute, None)
        if not callable(factory):
            raise TargetError(f"{target!r}: {module_name} has no callable {attribute!r}")
        return factory()
    if scheme == "stdio":
        try:
            return stdio_target(rest)
        except HarnessError as error:
            raise TargetError(f"{target!r}: {error}") from error
    if scheme in ("http", "https"):
        return _http_target(target, token, declaration, timeout_s)
    raise TargetError(
        f"{target!r}: unsupported target; use python:package.module:factory, stdio:COMMAND "
        "or http://HOST:PORT"
    )


def _http_target(
    url: str, token: str | None, declaration: str | None, timeout_s: float
) -> Implementation:
    from ts26927.bindings.declaration import load_declaration
    from ts26927.bindings.http.client import HttpImplementation

    if not url.split("://", 1)[1].strip("/"):
        raise TargetError(f"{url!r}: no host")
    if declaration is None:
        raise TargetError(
            f"{url!r}: an HTTP target needs --declaration FILE: the implementation's "
            "capabilities (ICS) and choices (IXIT), see "
            "schemas/conformance/Declaration.schema.json"
        )
    token = token or os.environ.get(TOKEN_ENV)
    if not token:
        raise TargetError(f"{url!r}: give the bearer token with --token or ${TOKEN_ENV}")
    info = load_declaration(Path(declaration))
    return HttpImplementation(url, token, info, timeout_s=timeout_s)
