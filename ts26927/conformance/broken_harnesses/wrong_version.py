"""Broken harness: speaks protocol version 2."""

from _loop import reply, serve

serve("broken-wrong-version", lambda command: reply({"seq": command["seq"], "outputs": []}), 2)
