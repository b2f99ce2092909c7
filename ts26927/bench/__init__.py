"""Benchmarks behind ``ts26927 bench``: each measures ratios against a baseline run in the
same process (these machines are noisy) and returns one JSON-ready dict."""
