"""Broken harness: exits on the first step, with a last word on stderr."""

import os
import sys

from _loop import serve


def crash(command: dict) -> None:
    sys.stderr.write(f"simulated crash on step {command['step']}\n")
    sys.stderr.flush()
    os._exit(3)


serve("broken-crashes", crash)
