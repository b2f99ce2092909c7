"""Broken harness: answers a step with a sequence number that is not the command's."""

from _loop import reply, serve

serve("broken-wrong-seq", lambda command: reply({"seq": command["seq"] + 1, "outputs": []}))
