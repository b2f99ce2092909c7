"""Broken harness: prints a log line, not JSON, where its reply belongs."""

import sys

from _loop import serve


def chatter(command: dict) -> None:
    sys.stdout.write(f"received step {command['step']}, selecting a model...\n")
    sys.stdout.flush()


serve("broken-non-json", chatter)
