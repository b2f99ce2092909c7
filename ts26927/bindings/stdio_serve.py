"""The other end of the harness protocol: serve an in-process Python implementation as a
harness program, so it runs in a process of its own (a crash or a hang is then the
harness's, not the runner's), and so the protocol is exercised from both ends.

    python -m ts26927.bindings.stdio_serve python:package.module:factory

Replies go to the real stdout; anything the implementation prints goes to stderr, so it can
never corrupt the protocol stream.
"""

from __future__ import annotations

import base64
import json
import sys
import traceback
from typing import IO, Any

from ts26927.bindings.base import PROTOCOL_VERSION, Implementation, Refusal, Reply
from ts26927.bindings.stdio_protocol import encode_attachments
from ts26927.bindings.targets import TargetError, load_target


def _outputs(reply: Reply) -> dict[str, Any]:
    if isinstance(reply, Refusal):
        return {"refused": {"reason": reply.reason}}
    return {
        "outputs": [
            {
                "step": o.step,
                "message": o.message,
                "attachments": encode_attachments(o.attachments),
            }
            for o in reply
        ]
    }


def answer(iut: Implementation, command: dict[str, Any]) -> dict[str, Any] | None:
    """The reply to one command (``None`` for ``stop``)."""
    kind = command.get("cmd")
    if kind == "start":
        return {"version": PROTOCOL_VERSION, "implementation": iut.describe().to_dict()}
    if kind == "stop":
        return None
    seq = command.get("seq")
    try:
        if kind == "setup":
            try:
                iut.setup(command["case"], command["flow"], command["role"], command["state"])
            except Exception as error:  # the implementation cannot set this case up
                return {"seq": seq, "refused": {"reason": f"{type(error).__name__}: {error}"}}
            return {"seq": seq, "outputs": []}
        if kind == "begin":
            return {"seq": seq, **_outputs(iut.begin())}
        if kind == "deliver":
            attachments = {
                name: base64.b64decode(text, validate=True)
                for name, text in command["attachments"].items()
            }
            reply = iut.deliver(command["step"], command["message"], attachments)
            return {"seq": seq, **_outputs(reply)}
        if kind == "poll":
            return {"seq": seq, **_outputs(iut.poll())}
        if kind == "teardown":
            iut.teardown()
            return {"seq": seq, "outputs": []}
        return {"seq": seq, "errored": {"message": f"unknown command {kind!r}"}}
    except Exception as error:
        return {
            "seq": seq,
            "errored": {
                "message": f"{type(error).__name__}: {error}",
                "detail": traceback.format_exc(),
            },
        }


def serve(iut: Implementation, commands: IO[str], replies: IO[str]) -> None:
    """Answer commands, one per line, until ``stop`` or the end of input."""
    for line in commands:
        reply = answer(iut, json.loads(line))
        if reply is None:
            break
        replies.write(json.dumps(reply, separators=(",", ":"), allow_nan=False) + "\n")
        replies.flush()
    iut.stop()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].startswith("python:"):
        print(
            "usage: python -m ts26927.bindings.stdio_serve python:module:factory", file=sys.stderr
        )
        return 2
    protocol, sys.stdout = sys.stdout, sys.stderr  # stray prints must not reach the stream
    try:
        iut = load_target(args[0])
    except TargetError as error:
        print(error, file=sys.stderr)
        return 2
    serve(iut, sys.stdin, protocol)
    return 0


if __name__ == "__main__":
    sys.exit(main())
