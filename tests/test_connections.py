"""A connection cannot be held open for nothing (api/connections.py): a real `conflictgraph
serve`, attacked as slowloris does, keeps answering /health."""
from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from procs import free_port, serving

CLI = Path(sys.executable).with_name("conflictgraph")
FDS = 400   # the server's descriptor limit, soft and hard: its connection cap is 400 - 256


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = f"embedded:{tmp_path_factory.mktemp('conn')}/graph"
    subprocess.run([str(CLI), "load", "--store", store], check=True, capture_output=True, timeout=300)
    port = free_port()
    env = {**os.environ, "CONFLICTGRAPH_HEADER_TIMEOUT_S": "2", "CONFLICTGRAPH_REQUEST_TIMEOUT_S": "4"}

    def few_descriptors():
        resource.setrlimit(resource.RLIMIT_NOFILE, (FDS, FDS))
    log = tmp_path_factory.mktemp("log") / "serve.log"
    proc = subprocess.Popen([str(CLI), "serve", "--store", store, "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=log.open("w"), text=True,
                            preexec_fn=few_descriptors)
    serving(proc, port)
    yield port, log
    proc.terminate()
    proc.wait(30)


def _trickler(port: int, head: bytes = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ") -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(head)
    return s


def _closed_by_server(s: socket.socket, within_s: float) -> bool:
    s.settimeout(within_s)
    try:
        return s.recv(1024) == b""
    except (TimeoutError, socket.timeout):
        return False
    except ConnectionResetError:
        return True


def test_a_connection_that_never_finishes_its_request_head_is_closed(server):
    s = _trickler(server[0])
    try:
        s.sendall(b"a")   # trickling a byte does not buy more time
        assert _closed_by_server(s, within_s=10)
    finally:
        s.close()


def test_a_kept_alive_connection_trickling_its_next_head_is_closed(server):
    with socket.create_connection(("127.0.0.1", server[0])) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(10)
        answer = b""
        while not answer.endswith(b"}"):   # the head and the JSON body, in however many reads
            answer += s.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
        for _ in range(3):        # uvicorn's own keep-alive timer stops at the first byte
            s.sendall(b"G")
            time.sleep(0.5)
        assert _closed_by_server(s, within_s=10)


def test_a_body_that_never_arrives_is_given_up(server):
    s = _trickler(server[0], b"POST /cypher HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 100000\r\n\r\n{\"query\": \"")
    try:
        assert _closed_by_server(s, within_s=15)
    finally:
        s.close()


def test_more_trickling_connections_than_descriptors_do_not_lock_out_health(server):
    """Before: with a descriptor limit, accept() failed (EMFILE) and /health timed out; and
    asyncio logged each refused accept with a traceback, thousands of lines a second (a
    server whose log pipe filled up stopped answering altogether)."""
    port, log = server
    held = []
    try:
        for _ in range(FDS + 300):
            held.append(_trickler(port))
        r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=10)
        assert r.status_code == 200
        # the oldest tricklers made room: the server closed them
        assert _closed_by_server(held[0], within_s=5)
    finally:
        for s in held:
            s.close()
    assert log.read_text().count("out of system resource") <= 2
