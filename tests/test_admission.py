"""Expensive requests wait in bounded lanes: cheap endpoints answer while research queries
run, and a request past the lane's queue is told to come back (503 + Retry-After) at once."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import anyio
import httpx
import pytest

from conflictgraph.api.admission import Busy, Lane

CLI = Path(sys.executable).with_name("conflictgraph")
# 16**7 rows of concatenated names: runs into the time limit on the seed graph
SLOW = ("MATCH (a:Actor), (b:Actor), (c:Actor), (d:Actor), (e:Actor), (f:Actor), (g:Actor) "
        "WHERE a.name + b.name + c.name + d.name + e.name + f.name + g.name <> 'x' RETURN count(*)")


def test_a_full_lane_refuses_at_once_and_a_freed_one_admits():
    lane = Lane("things", running_limit=1, queue=1, retry_after_s=7)
    release = threading.Event()

    async def scenario():
        results = []

        async def one():
            try:
                results.append(await lane.run(release.wait, 30))
            except Busy as e:
                results.append(e)
        async with anyio.create_task_group() as tg:
            for _ in range(3):
                tg.start_soon(one)
                await anyio.sleep(0.05)
            await anyio.sleep(0.2)
            assert len(results) == 1 and isinstance(results[0], Busy)   # the third, at once
            assert results[0].retry_after_s == 7 and "1 things and 1 waiting" in str(results[0])
            release.set()
        assert results[1:] == [True, True] and lane.inside == 0
        assert await lane.run(lambda: "again") == "again"
    anyio.run(scenario)


@pytest.fixture
def server(tmp_path, request):
    timeout_ms = getattr(request, "param", 4000)
    store = f"embedded:{tmp_path}/graph"
    subprocess.run([str(CLI), "load", "--store", store], check=True, capture_output=True, timeout=300)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CONFLICTGRAPH_QUERY_WORKERS": "1", "CONFLICTGRAPH_RESEARCH_QUEUE": "1",
           "CONFLICTGRAPH_QUERY_TIMEOUT_MS": str(timeout_ms)}
    proc = subprocess.Popen([str(CLI), "serve", "--store", store, "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"the server did not start: {proc.stderr.read()}")
    yield base
    proc.terminate()
    proc.wait(30)


def test_slow_research_queries_neither_block_cheap_endpoints_nor_pile_up(server):
    async def scenario():
        events: list[tuple[str, int]] = []
        async with httpx.AsyncClient(base_url=server, timeout=120) as client:
            async def slow():
                r = await client.post("/cypher", json={"query": SLOW})
                events.append(("cypher", r.status_code, r.headers.get("retry-after")))

            async def cheap():
                await asyncio.sleep(1)   # the slow ones are running by now
                for path in ("/health", "/actors?q=kani", "/relations?limit=5", "/ontology"):
                    r = await client.get(path)
                    events.append((path, r.status_code, None))
            await asyncio.gather(*(slow() for _ in range(5)), cheap())
        return events

    events = asyncio.run(scenario())
    cypher = [e for e in events if e[0] == "cypher"]
    # one worker runs, one waits; the other three are told at once to come back later
    assert sorted(s for _, s, _ in cypher) == [503, 503, 503, 504, 504], cypher
    assert all(ra == "4" for _, s, ra in cypher if s == 503)
    # the cheap requests were all answered before the queued research query was
    order = [e[0] for e in events]
    last_cypher = max(i for i, e in enumerate(events) if e[0] == "cypher")
    cheap = [i for i, name in enumerate(order) if name != "cypher"]
    assert len(cheap) == 4 and all(events[i][1] == 200 for i in cheap)
    assert max(cheap) < last_cypher, order


def _send_and_leave(base: str, query: str) -> None:
    """A client that sends a research query and closes its connection without the answer."""
    import json
    host, port = base.removeprefix("http://").split(":")
    body = json.dumps({"query": query}).encode()
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(b"POST /cypher HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        time.sleep(1.5)   # long enough to be running (the first) or waiting (the second)


@pytest.mark.parametrize("server", [90_000], indirect=True)
def test_queries_whose_clients_left_stop_and_free_the_lane(server):
    """One worker, one waiting place, a 90 s limit: two clients send a runaway query and
    leave. Their queries are stopped (the running one) and never started (the waiting one),
    so the next researcher is answered, not told to wait or come back in 90 s."""
    leaving = [threading.Thread(target=_send_and_leave, args=(server, SLOW)) for _ in range(2)]
    for t in leaving:
        t.start()
        time.sleep(0.3)
    for t in leaving:
        t.join()
    r = httpx.post(server + "/cypher", json={"query": "RETURN 1 AS one"}, timeout=45)
    assert r.status_code == 200 and r.json()["rows"] == [[1]], r.text
