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
