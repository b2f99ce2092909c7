"""Broken harness: never answers a step, and ignores SIGTERM as well."""

import signal
import time

from _loop import serve

signal.signal(signal.SIGTERM, signal.SIG_IGN)
serve("broken-hangs", lambda command: time.sleep(3600))
