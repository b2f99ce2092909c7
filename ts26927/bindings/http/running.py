"""Run the REST binding's server with uvicorn: in the foreground (``ts26927 serve``) or on a
background thread of this process, on a free loopback port (tests, benchmarks, the demo)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

#: Seconds a stopping server lets requests in flight finish (none is cut short before).
GRACEFUL_S = 30


def config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_S,
        lifespan="on",
    )


@dataclass(frozen=True)
class Running:
    url: str
    server: uvicorn.Server


@contextmanager
def running(app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> Iterator[Running]:
    """Serve ``app`` on a background thread until the block ends; port 0: a free one."""
    server = uvicorn.Server(config(app, host, port))
    thread = threading.Thread(target=server.run, name="ts26927-http", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the HTTP server did not start on {host}:{port}")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Running(f"http://{host}:{bound}", server)
    finally:
        server.should_exit = True
        thread.join(timeout=GRACEFUL_S + 5)


__all__ = ["GRACEFUL_S", "Running", "config", "running"]
