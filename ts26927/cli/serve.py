"""``ts26927 serve``: the network side of an implementation (the reference engine by
default) as the REST binding, until interrupted; a stop lets requests in flight finish."""

from __future__ import annotations

import argparse
import json
import os
import secrets
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
    tokens = list(args.token or [])
    tokens += [t for t in os.environ.get(TOKENS_ENV, "").split(",") if t.strip()]
    if not tokens:
        tokens = [secrets.token_urlsafe(32)]  # issued for this run
        print(f"token for this run: {tokens[0]}", file=sys.stderr)
    if args.token_file:
        Path(args.token_file).write_text(tokens[0] + "\n", encoding="utf-8")
    if args.declaration:
        info = first.describe()
        # The binding serves the network side: declare that side only, so that a run
        # reports the UE-role cases as not applicable rather than inconclusive.
        network = replace(info, capabilities=info.capabilities - SIDE_CAPABILITIES["UE"])
        document = declaration_of(network)
        Path(args.declaration).write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    first.stop()

    def factory() -> Implementation:  # one implementation per session
        return load_target(args.target)

    if args.target == DEFAULT_TARGET:
        # Build the embedded model before listening, so no client's first session waits
        # for it (and times out on a loaded machine).
        split_service("digits")
    app = create_app(factory, tokens, max_body=args.max_body)
    print(
        f"serving {args.target} on http://{args.host}:{args.port} (Ctrl-C stops, letting "
        "requests in flight finish)",
        file=sys.stderr,
    )
    uvicorn.Server(config(app, args.host, args.port)).run()
    return EXIT_OK


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
