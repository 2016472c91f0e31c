"""What every UCDP importer shares: UCDP actor ids as identifiers, actor kinds, names to match.

UCDP gives every actor one id across all its datasets (Actor Dataset codebook 22.1,
"Variables": `ActorId`, "the unique identifier of all actors"), kept through renames. Since
version 17.1 the ids of all UCDP datasets are new ones, and government ids are no longer
Gleditsch-Ward numbers (codebook, "A note on UCDP ID changes"): so an id of a file from
before 17.1 (ESD 1.0-2011's `actorID`) is another scheme, `ucdp_pre17`, never mixed with
`ucdp`. Gleditsch-Ward numbers (`gwno`) are what links a UCDP government to the seed's states.
"""
from __future__ import annotations

import re

from ..models import Actor
from .common import ImportReport, resolve_actor, slug
from .matching import Crosswalk
from .output import SeedFolder

UCDP = "ucdp"                 # UCDP actor id, version 17.1 and later
UCDP_PRE17 = "ucdp_pre17"     # the actor ids of UCDP files from before 17.1
GWNO = "gwno"
GOVERNMENT = re.compile(r"^government of (the )?", re.IGNORECASE)


def names_of(name: str) -> list[str]:
    """The names an actor may be found under: UCDP's own, and for a government the state's
    ("Government of Russia (Soviet Union)" is also "Russia (Soviet Union)", "Russia" and
    "Soviet Union"), so it meets the seed's Russia and ESD 1.0's "Soviet Union" by name."""
    out = [name]
    bare = GOVERNMENT.sub("", name).strip()
    if bare != name:
        out.append(bare)
        inner = re.match(r"^(.*?)\s*\((.*)\)\s*$", bare)
        if inner:
            out += [inner.group(1).strip(), inner.group(2).strip()]
    return [n for i, n in enumerate(out) if n and n not in out[:i]]


def is_government(name: str) -> bool:
    return bool(GOVERNMENT.match(name.strip()))


class ActorBook:
    """Actors met in one import, each resolved once through the crosswalk (reuse a certain
    match, write a new actor otherwise, send a near candidate to review)."""

    def __init__(self, existing: list[Actor], out: SeedFolder, report: ImportReport):
        self.crosswalk = Crosswalk(existing)
        self.out, self.report = out, report
        self.ids: dict[tuple[str, str], str] = {}

    def resolve(self, scheme: str, code: str, name: str, kind: str, identifiers: dict[str, str],
                aliases: list[str] | None = None) -> str:
        key = (scheme, code)
        if key not in self.ids:
            prefix = {UCDP: "ucdp-a", UCDP_PRE17: "ucdp-p"}.get(scheme, f"{slug(scheme, 12)}-")
            record = {"id": f"{prefix}{slug(code, 20)}-{slug(name)}", "name": name, "kind": kind,
                      "identifiers": identifiers}
            if aliases:
                record["aliases"] = [a for a in dict.fromkeys(aliases) if a and a != name]
            self.ids[key] = resolve_actor(f"{scheme} {code}", record, names_of(name) + (aliases or []),
                                          self.crosswalk, self.out, self.report)
        return self.ids[key]
