"""Looking at processes through /proc: which children a process has, and what they run."""
from __future__ import annotations

import os
from pathlib import Path


def parent_of(pid: int | str) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def children(pid: int, running: bytes | None = None) -> list[int]:
    """The live children of `pid`; with `running`, those whose command line contains it."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit() and parent_of(name) == pid:
            try:
                if running is None or running in Path(f"/proc/{name}/cmdline").read_bytes():
                    out.append(int(name))
            except OSError:
                pass
    return out


def free_port() -> int:
    import socket
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def serving(server, port: int, timeout_s: float = 60) -> dict:
    """/health of a `conflictgraph serve` child once it answers (its stderr if it exits first)."""
    import json
    import time
    import urllib.request
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5).read())
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()
            time.sleep(0.2)
