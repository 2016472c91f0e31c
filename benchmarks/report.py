"""benchmarks/RESULTS.md is written by several benchmarks: each replaces its own sections
(by heading) and keeps the others'."""
from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = "# Benchmark results\n"


def replace_section(heading: str, text: str) -> None:
    """Put `text` (a markdown section starting with `## heading...`) in place of the section
    whose heading starts the same way, or at the end."""
    body = RESULTS.read_text() if RESULTS.exists() else TITLE
    head, *sections = body.split("\n## ")
    sections = ["## " + s for s in sections]
    new = text.rstrip("\n") + "\n"
    for i, s in enumerate(sections):
        if s.startswith(heading):
            sections[i] = new
            break
    else:
        sections.append(new)
    RESULTS.write_text(head.rstrip("\n") + "\n\n" + "\n".join(s.rstrip("\n") + "\n" for s in sections))
