"""Turn a ``--target`` string into an implementation: ``python:package.module:factory``
(in-process) or ``stdio:COMMAND ARGS`` (a harness program over stdin/stdout, started and
greeted here). Other schemes are refused with a clear message until their binding exists."""

from __future__ import annotations

import importlib

from ts26927.bindings.base import Implementation
from ts26927.bindings.stdio import stdio_target
from ts26927.errors import HarnessError, TargetError

DEFAULT_TARGET = "python:ts26927.bindings.reference:factory"
#: Every kind of target, for ``--help``.
TARGET_HELP = (
    "the implementation under test: 'python:package.module:factory' (a Python object in "
    "this process) or 'stdio:COMMAND ARGS' (a harness program in any language, speaking "
    f"the JSON-lines harness protocol on stdin/stdout); default {DEFAULT_TARGET}"
)


def load_target(target: str = DEFAULT_TARGET) -> Implementation:
    scheme, _, rest = target.partition(":")
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
    raise TargetError(
        f"{target!r}: unsupported target; use python:package.module:factory or stdio:COMMAND"
    )
