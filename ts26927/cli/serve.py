"""``ts26927 serve``: the network side of an implementation (the reference engine by
default) as the REST binding, until interrupted; a stop lets requests in flight finish."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import sys
from dataclasses import replace
from pathlib import Path

from ts26927.cli.argtypes import port, positive_int
from ts26927.cli.common import EXIT_OK, EXIT_USAGE

#: Tokens the server accepts, comma-separated, when no --token is given.
TOKENS_ENV = "TS26927_TOKENS"


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ts26927.bindings.base import Implementation
    from ts26927.bindings.declaration import declaration_of
    from ts26927.bindings.http.running import config
    from ts26927.bindings.http.server import create_app
    from ts26927.bindings.targets import DEFAULT_TARGET, TargetError, load_target
    from ts26927.conformance.capabilities import SIDE_CAPABILITIES
    from ts26927.engine.split.service import split_service

    if not args.target.startswith("python:"):
        print("ts26927 serve: --target must be python:package.module:factory", file=sys.stderr)
        return EXIT_USAGE
    try:
        first = load_target(args.target)
    except TargetError as error:
        print(f"ts26927 serve: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        # Listen before anything is written or built: a port in use (or a host this machine
        # does not have) is a usage error, and port 0 is resolved to the one bound.
        listener = _listen(args.host, args.port)
    except OSError as error:
        print(
            f"ts26927 serve: cannot listen on {args.host}:{args.port}: {error.strerror or error}",
            file=sys.stderr,
        )
        first.stop()
        return EXIT_USAGE
    tokens = list(args.token or [])
    tokens += [t for t in os.environ.get(TOKENS_ENV, "").split(",") if t.strip()]
    if not tokens:
        tokens = [secrets.token_urlsafe(32)]  # issued for this run
        print(f"token for this run: {tokens[0]}", file=sys.stderr)
    info = first.describe()
    first.stop()
    # The binding serves the network side: declare that side only, so that a run reports
    # the UE-role cases as not applicable rather than inconclusive.
    network = replace(info, capabilities=info.capabilities - SIDE_CAPABILITIES["UE"])
    outputs = {
        args.token_file: tokens[0] + "\n",
        args.declaration: json.dumps(declaration_of(network), indent=2) + "\n",
    }
    for path, text in outputs.items():
        if not path:
            continue
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"ts26927 serve: cannot write {path}: {error.strerror or error}", file=sys.stderr)
            listener.close()
            return EXIT_USAGE

    def factory() -> Implementation:  # one implementation per session
        return load_target(args.target)

    if args.target == DEFAULT_TARGET:
        # Build the embedded model before listening, so no client's first session waits
        # for it (and times out on a loaded machine).
        split_service("digits")
    app = create_app(factory, tokens, max_body=args.max_body)
    bound = listener.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"serving {args.target} on http://{host}:{bound} (Ctrl-C stops, letting "
        "requests in flight finish)",
        file=sys.stderr,
    )
    uvicorn.Server(config(app, args.host, bound)).run(sockets=[listener])
    return EXIT_OK


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (IPv6 when the host is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


def register(sub: argparse._SubParsersAction) -> None:
    from ts26927.bindings.http.server import MAX_BODY_BYTES
    from ts26927.bindings.targets import DEFAULT_TARGET

    p = sub.add_parser(
        "serve", help="serve the network side over the REST binding (reference engine)"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port, default=8026, help="0 for any free port")
    p.add_argument(
        "--target",
        default=DEFAULT_TARGET,
        help="the implementation to serve, python:package.module:factory (one per session)",
    )
    p.add_argument(
        "--token",
        action="append",
        help=f"a bearer token clients may use (repeatable; default: ${TOKENS_ENV}, "
        "comma-separated, or one issued and printed for this run)",
    )
    p.add_argument("--token-file", help="write the (first) token here")
    p.add_argument(
        "--declaration",
        metavar="FILE",
        help="write the served implementation's declaration (ICS and IXIT) here, for "
        "conformance run --declaration",
    )
    p.add_argument(
        "--max-body", type=positive_int, default=MAX_BODY_BYTES, help="bytes (413 above)"
    )
    p.set_defaults(func=cmd_serve)
