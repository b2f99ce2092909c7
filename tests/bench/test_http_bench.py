"""The REST binding bench: a small run through the real function (a server process of its
own, whole sessions judged by the suite, a resumed download), and its pieces."""

from __future__ import annotations

import json
import os

import httpx
import pytest

from ts26927.bench import http as http_bench
from ts26927.bench import http_load
from ts26927.cli import main


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_small_run_passes_every_session_and_stops_its_server(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["bench", "http", "--clients", "3", "--sessions-per-client", "1", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert result["clients"] == 3 and result["sessions"] == result["sessions_passed"] == 3
    assert result["errors"] == 0 and result["error_reasons"] == []
    # Every session is one case: a request per step the network receives, an attachment
    # download or two, the session's creation and deletion; one of them the small step.
    assert result["small_steps"] == 3 and result["requests"] >= 3 * 6
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert result["requests_per_s"] > 0 and 0 < result["in_process_step_ms"] < 10
    assert result["small_step_limit_ms"] == pytest.approx(
        5 * result["in_process_step_ms"] + 5, abs=1e-3
    )
    assert result["single_client"]["small_steps"] == http_bench.SINGLE_CLIENT_SESSIONS
    resumed = result["resumed_delivery"]
    assert resumed["ok"] and resumed["equal"] and resumed["digest_matches"]
    assert resumed["statuses"] == [200, 206, 206] and resumed["bytes"] > 1000
    half = resumed["bytes"] // 2
    assert resumed["content_ranges"] == [
        f"bytes 0-{half}/{resumed['bytes']}",
        f"bytes {half + 1}-{resumed['bytes'] - 1}/{resumed['bytes']}",
    ]
    assert result["server"]["separate_process"] and result["server"]["pid"] != os.getpid()
    assert not _alive(result["server"]["pid"])
    targets = result["targets"]
    assert (
        targets["errors == 0"] and targets["resumed delivery equals the whole and its Repr-Digest"]
    )
    assert code == (0 if all(targets.values()) else 1)


def test_an_interrupted_run_leaves_no_server() -> None:
    with pytest.raises(KeyboardInterrupt), http_load.serving() as served:
        pid = served.pid
        answer = httpx.get(f"{served.url}/ts26927-model-delivery/v1/sessions/x", timeout=5)
        assert answer.status_code == 401  # ours, and it wants the token
        raise KeyboardInterrupt
    assert not _alive(pid)


def test_requests_are_timed_to_their_last_byte_and_failures_counted() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        status = 503 if request.url.path.endswith("/broken") else 200
        return httpx.Response(status, stream=httpx.ByteStream(b"x" * 10))  # read later

    log = http_load.RequestLog("session-establishments")
    transport = http_load.TimedTransport(log, httpx.MockTransport(answer))
    with httpx.Client(transport=transport, base_url="http://test") as client:
        assert client.post("/s/1/session-establishments").content == b"x" * 10
        client.get("/s/1/steps")
        with client.stream("GET", "/s/1/broken") as response:
            assert response.read() == b"x" * 10
    assert [small for small, _ in log.times] == [True, False, False]
    assert all(ms >= 0 for _, ms in log.times)
    assert log.failures == ["GET /s/1/broken: HTTP 503"]


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]
    assert http_bench._percentile(values, 50) == 50.0
    assert http_bench._percentile(values, 99) == 99.0
    assert http_bench._percentile([7.0], 99) == 7.0
    assert http_bench._percentile([], 50) is None


def test_the_bench_refuses_no_clients() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        http_bench.run(clients=0)
