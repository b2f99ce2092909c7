"""Stopping a server a test started as a child process: SIGTERM (it finishes what is in
flight), and a kill if it has not stopped in time, so no test leaves a process behind."""

from __future__ import annotations

import signal
import subprocess


def terminate(process: subprocess.Popen, timeout_s: float = 30.0) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
