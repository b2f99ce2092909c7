"""A minimal harness loop shared by the broken harnesses: it follows the protocol in
everything but the one defect each script injects, on the first ``deliver``. Standard
library only, so each starts in milliseconds."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

Command = dict[str, Any]


def reply(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def serve(name: str, on_deliver: Callable[[Command], None], version: int = 1) -> None:
    """Answer start, setup, begin, poll and teardown correctly; hand deliver to the defect."""
    for line in sys.stdin:
        command = json.loads(line)
        kind = command["cmd"]
        if kind == "start":
            reply(
                {
                    "version": version,
                    "implementation": {
                        "name": name,
                        "version": "0",
                        "language": "python",
                        "capabilities": ["MODEL_DELIVERY_NETWORK"],
                        "homepage": "",
                    },
                }
            )
        elif kind == "stop":
            return
        elif kind == "deliver":
            on_deliver(command)
        else:
            reply({"seq": command["seq"], "outputs": []})
