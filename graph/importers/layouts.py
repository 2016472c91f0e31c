"""The published table layouts we know, by the columns that mark each, and which command reads it.

A user who hands `import ucdp-esd` the UCDP Actor Dataset, or an ESD file of another unit, is
told what the file looks like and which command (or which file from the publisher) to use
instead, rather than "column X: missing".
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

UCDP_DOWNLOADS = "https://ucdp.uu.se/downloads/"


@dataclass(frozen=True)
class Layout:
    key: str
    name: str
    marks: frozenset[str]          # a table has this layout when it has all these columns
    command: str | None            # `conflictgraph import ...` that reads it, None when none does
    advice: str = ""               # what to do with it, when no command reads it

    def says(self) -> str:
        if self.command:
            return f"it looks like the {self.name}, which `conflictgraph import {self.command}` reads"
        return f"it looks like the {self.name}: {self.advice}"


ESD_10_SUPPORTER = Layout(
    "esd-1.0-supporter", "UCDP External Support Dataset 1.0-2011, Disaggregated/Supporter file",
    frozenset({"ywp_id", "ywp_year", "external_exists", "external_nameid"}), "ucdp-esd")
ESD_10_WARRING_PARTY = Layout(
    "esd-1.0-warring-party", "UCDP External Support Dataset 1.0-2011, Primary (Yearly) Warring Party file",
    frozenset({"ywp_id", "ywp_year", "external_exists", "external_code"}), None,
    "the codebook (section 1) says it holds the same data as the Disaggregated/Supporter file, one "
    "row per warring party and year with every supporter in one text cell; download the "
    f"Disaggregated/Supporter file from {UCDP_DOWNLOADS} (External Support, version 1.0-2011) and "
    "import that with `conflictgraph import ucdp-esd`")
ESD_18_TRIAD = Layout(
    "esd-18.1-triad", "UCDP External Support Dataset 18.1, triad-year file (ucdp-esd-ty-181)",
    frozenset({"actor_id", "oppo_id", "ext_id", "ext_sup", "year"}), "ucdp-esd")
ESD_18_AGGREGATE = Layout(
    "esd-18.1-aggregate", "UCDP External Support Dataset 18.1, dyad-year or actor-year file",
    frozenset({"ext_sup", "year"}), None,
    "those files sum the support over supporters and do not say who gave it; download the "
    f"triad-year file (ucdp-esd-ty-181) from {UCDP_DOWNLOADS} and import that with "
    "`conflictgraph import ucdp-esd`")
UCDP_ACTORS = Layout(
    "ucdp-actor", "UCDP Actor Dataset (ucdp-actor-*)",
    frozenset({"ActorId", "NameData", "Org"}), "ucdp-actors")
UCDP_GED = Layout(
    "ucdp-ged", "UCDP Georeferenced Event Dataset (GED)",
    frozenset({"type_of_violence", "side_a", "side_b", "date_prec"}), "ucdp-ged")
ACLED = Layout("acled", "ACLED export", frozenset({"event_id_cnty", "event_date", "actor1"}), "acled")

# Most specific first: the 18.1 triad file also has every column of the aggregate files' mark.
LAYOUTS = (ESD_10_SUPPORTER, ESD_10_WARRING_PARTY, ESD_18_TRIAD, ESD_18_AGGREGATE, UCDP_ACTORS, UCDP_GED,
           ACLED)


def recognise(columns: Iterable[str]) -> Layout | None:
    have = {c.strip() for c in columns}
    return next((layout for layout in LAYOUTS if layout.marks <= have), None)


def not_this_layout(path: Path, columns: Iterable[str], wanted: Iterable[Layout]) -> str:
    """Why this command cannot read the file: what it looks like instead, or what it lacks."""
    wanted = list(wanted)
    names = " or ".join(w.name for w in wanted)
    found = recognise(columns)
    if found is not None and found not in wanted:
        return f"{path}: this is not the {names}; {found.says()}"
    have = {c.strip() for c in columns}
    closest = min(wanted, key=lambda w: len(w.marks - have))
    missing = sorted(closest.marks - have)
    return (f"{path}: line 1: column {missing[0]!r}: missing"
            + (f" (and {', '.join(repr(m) for m in missing[1:])})" if len(missing) > 1 else "")
            + f"; this does not look like the {names}")
