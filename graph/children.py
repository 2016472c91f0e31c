"""One way to start the package's child processes (the research-query workers, the loader's
relation workers, the projection reader), keeping what each writes to stderr so that a
failure is reported with the child's own last words.

A child is `python -m conflictgraph.graph....` with the running interpreter: the package is
installed (pyproject.toml), so no path setup is needed. Its stderr goes to a temporary
file, not a pipe: a pipe nobody reads while the child runs could fill and block it. What
the parent and a child say to each other over stdin/stdout is the child's own business
(JSON lines for the sandbox, pickled frames for the relation workers).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from typing import IO, Any

TAIL_LINES = 3


class Child:
    """A running child process and the file its stderr goes to."""

    def __init__(self, module: str, args: list[str], *, text: bool = False, **popen: Any):
        self.module = module
        self._stderr: IO[bytes] = tempfile.TemporaryFile(prefix=module.rsplit(".", 1)[-1] + "-")
        self.proc = subprocess.Popen([sys.executable, "-m", module, *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._stderr, text=text, **popen)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stderr_tail(self, lines: int = TAIL_LINES) -> str:
        """The last lines the child wrote to stderr, joined with ' | ' ("" if none)."""
        try:
            self._stderr.seek(0)
            text = self._stderr.read().decode(errors="replace").strip().splitlines()
        except (OSError, ValueError):
            return ""
        return " | ".join(text[-lines:])

    def kill(self) -> None:
        """Stop the child (if it still runs), reap it and close its files."""
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        self.close()

    def close(self) -> None:
        for f in (self.proc.stdin, self.proc.stdout, self._stderr):
            if f is not None and not f.closed:
                try:
                    f.close()
                except BrokenPipeError:
                    # A killed child cannot take what was still buffered for it; closing
                    # flushes first, fails, and closes the descriptor anyway. Nothing lost
                    # that anyone waits for: the child is gone.
                    pass


def run_child(module: str, args: list[str], *, timeout: float | None = None) -> tuple[int, str]:
    """Run a child to its end with nothing on stdin: (exit status, its stderr's last lines)."""
    child = Child(module, args)
    try:
        child.proc.stdin.close()
        child.proc.stdout.read()
        code = child.proc.wait(timeout=timeout)
        return code, child.stderr_tail()
    finally:
        child.kill()
