"""A throwaway Neo4j for the test suite and the benchmarks: the pinned Neo4j Community of
`tools/neo4j/` (a checkout's folder, not part of an installed package), started on a free
loopback port with a generated password, stopped when the caller is done.

The server is tied to its parent by a pipe on its standard input: if the parent dies
(even by kill -9), the pipe closes and the server stops itself, so no JVM outlives a run.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .paths import PACKAGE_ROOT

LAUNCHER = PACKAGE_ROOT / "tools" / "neo4j" / "run"
# The first start of a fresh machine fetches the jars with Maven; later starts take ~10 s.
START_TIMEOUT_S = 900


class Neo4jNotAvailable(RuntimeError):
    """This machine cannot start the local Neo4j (the reason is the message)."""


def unavailable_reason() -> str | None:
    """Why no local Neo4j can start here, or None when it can."""
    if not LAUNCHER.exists():
        return f"{LAUNCHER} is missing (tools/neo4j is part of a checkout, not of the package)"
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            return (f"`{tool}` is not on PATH: the local Neo4j needs Java 17+ and Maven "
                    "(or set NEO4J_URI to a running server)")
    return None


@dataclass
class LocalNeo4j:
    uri: str
    user: str
    password: str
    data_dir: Path
    process: subprocess.Popen
    log_file: Path

    @classmethod
    def start(cls, data_dir: Path, *, heap: str = "768m", page_cache: str = "256m",
              tx_memory: str = "512m", extra_args: tuple[str, ...] = ()) -> "LocalNeo4j":
        reason = unavailable_reason()
        if reason:
            raise Neo4jNotAvailable(reason)
        data_dir.mkdir(parents=True, exist_ok=True)
        log_file = data_dir / "launcher.log"
        env = {**os.environ, "NEO4J_HEAP": heap}
        with open(log_file, "wb") as log:
            proc = subprocess.Popen(
                [str(LAUNCHER), "--data", str(data_dir), "--port", "0", "--page-cache", page_cache,
                 "--tx-memory", tx_memory, "--stop-on-eof", *extra_args],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env)
        uri = cls._wait_for_uri(proc, log_file)
        values = dict(line.split("=", 1) for line in
                      (data_dir / "connection.env").read_text().splitlines() if "=" in line)
        return cls(uri, values["NEO4J_USER"], values["NEO4J_PASSWORD"], data_dir, proc, log_file)

    @staticmethod
    def _wait_for_uri(proc: subprocess.Popen, log_file: Path) -> str:
        found: list[str] = []

        def read() -> None:
            for raw in proc.stdout:  # type: ignore[union-attr]
                line = raw.decode("utf-8", "replace").strip()
                if line.startswith("NEO4J_URI=") and not found:
                    found.append(line.split("=", 1)[1])
            # stdout closed: the server has stopped.

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not found and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if not found:
            proc.kill()
            proc.wait()
            tail = log_file.read_text(errors="replace")[-3000:]
            raise Neo4jNotAvailable(f"the local Neo4j did not start (exit {proc.returncode}); "
                                    f"its log ({log_file}) ends:\n{tail}")
        return found[0]

    def stop(self, timeout_s: float = 60) -> int:
        """Stop cleanly (SIGTERM: checkpoint and close), killing only if that hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdin:
            self.process.stdin.close()
        return self.process.returncode
