"""Wait until a REST binding server answers (for scripts that start ``ts26927 serve`` in the
background):

    python -m ts26927.bindings.http.wait http://127.0.0.1:8026 [SECONDS]

Exit 0 once any HTTP answer comes back, 1 when none has within SECONDS (default 60)."""

from __future__ import annotations

import sys
import time

import httpx


def wait_for(url: str, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url.rstrip('/')}/openapi.json", timeout=2)
            return True
        except httpx.HTTPError:
            time.sleep(0.2)
    return False


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not 1 <= len(args) <= 2:
        print("usage: python -m ts26927.bindings.http.wait URL [SECONDS]", file=sys.stderr)
        return 2
    if wait_for(args[0], float(args[1]) if len(args) == 2 else 60.0):
        return 0
    print(f"no answer from {args[0]}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
