"""Broken harness: answers a step with one output object where a list belongs."""

from _loop import reply, serve

serve(
    "broken-wrong-shape",
    lambda command: reply({"seq": command["seq"], "outputs": {"step": "2", "message": {}}}),
)
