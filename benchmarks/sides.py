"""The two sides of an import benchmark, ours and a baseline reading the same file alone, each
run in a child process of its own (so its peak RSS is its own), alternated `repeats` times."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


def child(module: str, side: str, *args: str) -> dict:
    """`python -m module --child side args...`: the JSON its child prints last."""
    out = subprocess.run([sys.executable, "-m", module, "--child", side, *args], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def serve_child(sides: dict[str, Callable[..., dict]]) -> bool:
    """In a child (`--child side args...`): run that side and print its JSON; True if it did."""
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        side, *args = sys.argv[2:]
        print(json.dumps(sides[side](*args)))
        return True
    return False


def alternate(module: str, repeats: int, baseline: tuple[str, ...], ours: tuple[str, ...],
              log: Callable[[str], None], before_ours: Callable[[], None] = lambda: None) -> dict[str, list[dict]]:
    runs: dict[str, list[dict]] = {"ours": [], "baseline": []}
    for i in range(repeats):
        log(f"run {i + 1}/{repeats}: baseline")
        runs["baseline"].append(child(module, "baseline", *baseline))
        before_ours()
        log(f"run {i + 1}/{repeats}: ours")
        runs["ours"].append(child(module, "ours", *ours))
    return runs
