"""`conflictgraph import ucdp-esd FILE`: UCDP's External Support Dataset, both generations.

Which file (README, "Bringing in data"): from https://ucdp.uu.se/downloads/, External Support,
  * version 1.0-2011, the *Disaggregated/Supporter* file (one row per warring party, conflict
    dyad, supporter and year: `.xls` as published, or a CSV/Stata copy of it), or
  * version 18.1, the *triad-year* file `ucdp-esd-ty-181` (one row per warring party, opposing
    party, supporter and year; `.dta`, `.xlsx` or `.csv`).
The layout is recognised from the columns (graph/importers/layouts.py); any other file is
refused with what it looks like and what to download instead.

The codebooks are the authority; each mapping below cites its section.

ESD 1.0-2011, Disaggregated/Supporter codebook (Croicu, Högbladh, Pettersson, Themnér 2011):
  * unit: the warring party-year (`ywp_id`, §5.2) *in a conflict dyad* (`bwd_id`): a government
    fighting two rebel groups repeats the same supporter row once per dyad. `ywp_id` is
    year-specific (§5.2); the party itself is `actorID`, a UCDP actor id of before version 17.1
    (identifier `ucdp_pre17`). `ywp_id`, `bwd_id` and `external_id` only locate rows.
  * `external_exists`: 1 support, 0 none, -1 missing (§5.12-5.13): -1 rows are counted and
    left out, never an error. Alleged support is `external_exists` 0 with `external_alleged` 1
    (§5.14): an `alleged` relation at medium confidence, not "no supporter".
  * `external_nameid`: a Gleditsch-Ward number below 1000 (a state, `gwno`); 1000-8999 a UCDP
    actor id of before 17.1 (an armed group: TTP 1199, al-Qaida 1630, the same numbers as the
    warring parties' `actorID`); 9000 and above the ESD's own codes for other supporters
    (state elements 9001-9015, companies 92xx, organisations 94xx, diasporas 98xx-99xx:
    `organization`, identifier `ucdp_esd_supporter`). Read off the published file.
  * support flags `external_type_<letter>` (§3.9 defines the types, §5.15 the flags), with the
    wording of `external_type_text` (§5.16), which the importer checks against the flags, as it
    checks `external_type_code` (§5.17; alleged codes in parentheses): a disagreement is a
    warning naming the row.
ESD 18.1, triad-year file (Meier, Karlén, Pettersson & Croicu 2023, JPR 60(3)):
  * `actor_id` (the supported warring party), `oppo_id` (its opponent in dyad `dyad_id`),
    `ext_id` (the supporter): UCDP actor ids (identifier `ucdp`), `*_nonstate` 0 for a
    government. `ext_sup` 1: a supporter is coded; `ext_alleged` 1: only alleged.
  * `ext_coalition`/`ext_coalition_name`: support given through a coalition (kept as the
    relation's `coalition`); `ext_bothsides` 1: the supporter backed both sides (kept).
  * the flags keep ESD 1.0's letters (X, Y, L, W, M, T, I, O, U; `$` became `f`) and add `p`.
    The 18.1 codebook's text was not available to us: the meanings are 1.0's, and the file
    agrees (Pakistan to the Taleban 2002-2010 and TTP to the Taleban 2009 are `l`, territory, as
    in 1.0; TTP's joint operations with the Taleban from 2011 are `y`). `p` is read as troop
    presence from the rows that carry it (Iran to the Government of Iraq 2014-2017, the United
    States to the Government of Yemen 2015): check it against the 18.1 codebook.
  * every dyad-year with `active` 1 is a year of fighting: one undirected FIGHTS relation per
    dyad and run of active years, its evidence citing a row of each year.

Support rows fold into one BACKS relation per supporter, party, support set, alleged flag (and
coalition) over consecutive years, with one evidence item per source row (`record` locates it:
`ucdp-esd-1.0:external_id=3`, `ucdp-esd-18.1:id=4459`).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..models import Actor
from .common import ImportFailed, ImportReport, slug, warn
from .layouts import ESD_10_SUPPORTER, ESD_18_TRIAD, UCDP_DOWNLOADS, not_this_layout, recognise
from .output import SeedFolder
from .tables import Row, Table, read_table
from .ucdp import GWNO, UCDP, UCDP_PRE17, ActorBook, is_government

__all__ = ["ImportFailed", "ImportReport", "import_file", "SUPPORT_10", "SUPPORT_18"]

# ESD 1.0-2011, codebook §3.9/§5.15: letter -> (our BACKS `support` value, the codebook's wording
# as `external_type_text` (§5.16) writes it). L and Y: §5.15.2-5.15.3.
SUPPORT_10 = {
    "X": ("troops", "Troops as secondary warring party"),
    "Y": ("infrastructure", "Access to military or intelligence infrastructure"),
    "L": ("territory", "Access to Territory"),
    "W": ("weapons", "Weapons"),
    "M": ("materiel", "Materiel/Logistics"),
    "T": ("training", "Training/Expertise"),
    "$": ("funding", "Funding/Economic Support"),
    "I": ("intelligence", "Intelligence material"),
    "O": ("other", "Other forms of support"),
    "U": ("unspecified", "Support exists, but is of unknown type"),
}
FLAG_10 = "external_type_"
# Stata cannot name a variable with "$": its exports (and files made from them) drop it.
FLAG_10_ALIASES = {FLAG_10: FLAG_10 + "$", FLAG_10 + "_": FLAG_10 + "$"}

# ESD 18.1 flags (module docstring: 1.0's letters, `$` as `f`, and `p`).
SUPPORT_18 = {
    "x": "troops", "p": "troop_presence", "y": "infrastructure", "l": "territory", "w": "weapons",
    "m": "materiel", "t": "training", "f": "funding", "i": "intelligence", "o": "other", "u": "unspecified",
}
SUPPORT_ORDER = ["troops", "troop_presence", "infrastructure", "territory", "weapons", "materiel", "training",
                 "funding", "intelligence", "other", "unspecified"]

REQUIRED_10 = ("ywp_id", "ywp_year", "ywp_name", "actorID", "conflictID", "bwd_id", "external_exists",
               "external_alleged", "external_name", "external_nameid", *(FLAG_10 + c for c in SUPPORT_10))
USED_10 = {*REQUIRED_10, "external_id", "external_type_text", "external_type_code", "bwd_name", "bc_name"}
REQUIRED_18 = ("id", "active", "year", "actor_id", "actor_name", "actor_nonstate", "oppo_id", "oppo_name",
               "dyad_id", "dyad_name", "civil", "conflict_id", "gwno_a", "gwno_b", "ext_id", "ext_name",
               "ext_nonstate", "ext_coalition", "ext_coalition_name", "ext_bothsides", "ext_alleged", "ext_sup",
               *(f"ext_{c}" for c in SUPPORT_18))
USED_18 = {*REQUIRED_18, "ext_sum", "location", "country_a", "country_b", "ext_elements"}
STATE_CODE_LIMIT = 1000      # external_nameid below this is a Gleditsch-Ward country number,
ESD_CODE_START = 9000        # below this a UCDP actor id (pre-17.1), from here the ESD's own codes


@dataclass(frozen=True)
class Ref:
    """An actor as a file names it: its identifier scheme and code, name, kind, identifiers."""
    scheme: str
    code: str
    name: str
    kind: str
    identifiers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Claim:
    """One source row's claim that `supporter` backed `party` in `year`."""
    record: str
    year: int
    supporter: Ref
    party: Ref
    support: tuple[str, ...]
    alleged: bool
    coalition: str
    both_sides: bool
    context: str            # the dyad and conflict, for the evidence summary

    def key(self) -> tuple:
        return (self.supporter.scheme, self.supporter.code, self.party.scheme, self.party.code, self.support,
                self.alleged, self.coalition, self.both_sides)


@dataclass(frozen=True)
class DyadYear:
    dyad: str
    name: str
    year: int
    side_a: Ref
    side_b: Ref
    record: str
    conflict: str


def _ordered(values) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=SUPPORT_ORDER.index))


# --- ESD 1.0-2011 ---------------------------------------------------------------------------

def _columns_10(table: Table) -> dict[str, str]:
    """Our name -> the file's column (a Stata copy names `$`'s column `external_type_`)."""
    return {FLAG_10_ALIASES.get(c, c): c for c in table.columns}


def _claims_10(table: Table, report: ImportReport, version: str) -> list[Claim]:
    columns = _columns_10(table)
    missing = [c for c in REQUIRED_10 if c not in columns]
    if missing:
        raise ImportFailed(f"{table.path}: line 1: column {missing[0]!r}: missing (the {ESD_10_SUPPORTER.name} "
                           f"has {', '.join(REQUIRED_10)})")
    for c in sorted(set(columns) - USED_10):
        report.skipped[f"column {c} (not mapped)"] += 1
    col = columns.__getitem__
    latest_name: dict[str, tuple[int, str]] = {}
    for r in table.rows:
        actor, year = r.code(col("actorID")), r.integer(col("ywp_year"), required=True)
        if actor and year >= latest_name.get(actor, (-1, ""))[0]:
            latest_name[actor] = (year, r.text(col("ywp_name")))
    located = _located_governments(table)
    warned: set[str] = set()
    claims = []
    for r in table.rows:
        actor = r.code(col("actorID"))
        if actor.isdigit() and int(actor) < STATE_CODE_LIMIT and actor not in located and actor not in warned:
            warned.add(actor)
            warn(report, f"{r.where}: column 'actorID': {actor} ({r.text(col('ywp_name'))}) is never a location "
                          "of its conflicts (locationid1/2), so it is not taken as the party's Gleditsch-Ward "
                          "number; the party stays its own actor (ucdp_pre17)")
        exists = r.flag(col("external_exists"), (-1, 0, 1))
        alleged = r.flag(col("external_alleged"), (0, 1), empty=0) == 1
        if exists == -1:        # §5.12: missing
            report.skipped["rows coded missing (external_exists -1)"] += 1
            continue
        if exists == 0 and not alleged:
            report.skipped["rows without a supporter (external_exists 0, not alleged)"] += 1
            continue
        if exists == 1 and alleged:
            warn(report, f"{r.where}: external_exists 1 and external_alleged 1: the codebook codes alleged "
                          "support with external_exists 0; read as alleged")
        letters = [c for c in SUPPORT_10 if r.flag(col(FLAG_10 + c), (0, 1), empty=0)]
        if not letters:
            raise ImportFailed(f"{r.where}: columns {FLAG_10}*: support is coded (external_exists {exists}"
                               f"{', alleged' if alleged else ''}) but no support type is set; the codebook's "
                               "U flag marks support of unknown type")
        _cross_check_10(r, columns, letters, report)
        year = r.integer(col("ywp_year"), required=True)
        if not 1946 <= year <= 2100:
            raise r.fail(col("ywp_year"), f"{year} is not a year of the dataset")
        for name in ("ywp_name", "external_name", "actorID"):
            if not r.text(col(name)):
                raise r.fail(col(name), "empty")
        code = str(r.integer(col("external_nameid"), required=True))
        supporter = _supporter_10(code, r.text(col("external_name")))
        actor = r.code(col("actorID"))
        party = _party_10(actor, latest_name[actor][1], located)
        row_id = r.code("external_id") if "external_id" in columns else ""
        record = (f"ucdp-esd-{version}:external_id={row_id}" if row_id else
                  f"ucdp-esd-{version}:ywp_id={r.code(col('ywp_id'))}:bwd_id={r.code(col('bwd_id'))}"
                  f":external_nameid={code}")
        dyad = r.text("bwd_name") if "bwd_name" in columns else ""
        context = (f"dyad {r.code(col('bwd_id'))}" + (f" ({dyad})" if dyad else "")
                   + f", conflict {r.code(col('conflictID'))}")
        claims.append(Claim(record, year, supporter, party, _ordered(SUPPORT_10[c][0] for c in letters),
                            alleged, "", False, context))
    return claims


def _located_governments(table: Table) -> set[str]:
    """The government actorIDs (below 1000) that are Gleditsch-Ward numbers: before UCDP 17.1 a
    government's actor id was its state's number (Actor Dataset codebook 22.1, "A note on UCDP
    ID changes"), but the published file has slips (the Government of Angola coded 40, Cuba's
    number). An id counts as a number when one of the party's rows is located in that country
    (`locationid1`/`locationid2`); a file without those columns is taken at the codebook's word."""
    if not {"locationid1", "locationid2"} <= set(table.columns):
        return {r.code("actorID") for r in table.rows}
    return {r.code("actorID") for r in table.rows
            if r.code("actorID") and r.code("actorID") in (r.code("locationid1"), r.code("locationid2"))}


def _party_10(actor: str, name: str, located: set[str]) -> Ref:
    if actor.isdigit() and int(actor) < STATE_CODE_LIMIT and actor in located:
        # The same actor as the state that supports others under this number.
        return Ref(GWNO, actor, name, "government", ((GWNO, actor), (UCDP_PRE17, actor)))
    return Ref(UCDP_PRE17, actor, name, "government" if is_government(name) else "armed_group",
               ((UCDP_PRE17, actor),))


def _supporter_10(code: str, name: str) -> Ref:
    if int(code) < STATE_CODE_LIMIT:
        return Ref(GWNO, code, name, "state", ((GWNO, code),))
    if int(code) < ESD_CODE_START:
        return Ref(UCDP_PRE17, code, name, "armed_group", ((UCDP_PRE17, code),))
    return Ref("ucdp_esd_supporter", code, name, "organization", (("ucdp_esd_supporter", code),))


def _cross_check_10(r: Row, columns: dict[str, str], letters: list[str], report: ImportReport) -> None:
    """§5.16-5.17: the text and the code say the same as the flags, or a warning names the row."""
    if "external_type_code" in columns:
        written = r.text(columns["external_type_code"])
        code = "".join(c for c in written if c in SUPPORT_10)   # "(WMT$)" is alleged; "L." a stray stop
        if written and set(code) != set(letters):
            warn(report, f"{r.where}: external_type_code {written!r} disagrees with the flags ({''.join(letters)})")
    if "external_type_text" in columns:
        text = r.text(columns["external_type_text"]).casefold()
        if text:
            said = {c for c, (_, words) in SUPPORT_10.items() if words.casefold() in text}
            if said != set(letters):
                warn(report, f"{r.where}: external_type_text {r.text(columns['external_type_text'])!r} "
                              f"disagrees with the flags ({''.join(letters)})")


# --- ESD 18.1 triad-year ----------------------------------------------------------------------

def _claims_18(table: Table, report: ImportReport, version: str) -> tuple[list[Claim], list[DyadYear]]:
    missing = [c for c in REQUIRED_18 if c not in table.columns]
    if missing:
        raise ImportFailed(f"{table.path}: line 1: column {missing[0]!r}: missing (the {ESD_18_TRIAD.name} "
                           f"has {', '.join(REQUIRED_18)})")
    for c in sorted(set(table.columns) - USED_18):
        report.skipped[f"column {c} (not mapped)"] += 1
    gwno = _government_numbers(table)
    warring = {r.code("actor_id") for r in table.rows}

    def party(r: Row, prefix: str) -> Ref:
        code = str(r.integer(f"{prefix}_id", required=True))
        name = r.text(f"{prefix}_name")
        if not name:
            raise r.fail(f"{prefix}_name", "empty")
        nonstate = r.flag("actor_nonstate") if prefix == "actor" else None
        if prefix == "oppo":
            nonstate = 0 if is_government(name) else 1
        return _ucdp_ref(code, name, "armed_group" if nonstate else "government", gwno)

    claims: list[Claim] = []
    dyads: dict[tuple[str, int], DyadYear] = {}
    sum_disagrees = 0
    for r in table.rows:
        year = r.integer("year", required=True)
        if not 1946 <= year <= 2100:
            raise r.fail("year", f"{year} is not a year of the dataset")
        row_id = r.code("id")
        if not row_id:
            raise r.fail("id", "empty")
        record = f"ucdp-esd-{version}:id={row_id}"
        actor = party(r, "actor")
        if r.flag("active") == 1:
            dyad = r.code("dyad_id")
            name = r.text("dyad_name")
            a, b = (actor, party(r, "oppo"))
            if name.endswith(" - " + actor.name) and not name.startswith(actor.name + " - "):
                a, b = b, a
            key = (dyad, year)
            if key not in dyads or int(row_id) < int(dyads[key].record.rsplit("=", 1)[1]):
                dyads[key] = DyadYear(dyad, name, year, a, b, record, r.code("conflict_id"))
        if r.flag("ext_sup") == 0:
            report.skipped["rows without a supporter (ext_sup 0)"] += 1
            continue
        letters = [c for c in SUPPORT_18 if r.flag(f"ext_{c}")]
        if not letters:
            raise ImportFailed(f"{r.where}: columns ext_x ... ext_u: ext_sup is 1 but no support type is set; "
                               "the codebook's ext_u marks support of unknown type")
        if "ext_sum" in table.columns and r.integer("ext_sum") not in (None, len(letters)):
            sum_disagrees += 1
        ext_code = str(r.integer("ext_id", required=True))
        ext_name = r.text("ext_name")
        if not ext_name:   # published so: 18.1's supporter 11545 (to Ethiopia, 2001-2003) has no name
            ext_name = f"UCDP actor {ext_code}"
            warn(report, f"{r.where}: column 'ext_name': empty; the supporter is named {ext_name!r}")
        ext_kind = ("government" if r.flag("ext_nonstate") == 0
                    else "armed_group" if ext_code in warring else "organization")
        supporter = _ucdp_ref(ext_code, ext_name, ext_kind, gwno)
        coalition = r.text("ext_coalition_name") if r.flag("ext_coalition", empty=0) else ""
        context = (f"dyad {r.code('dyad_id')} ({r.text('dyad_name')}), conflict {r.code('conflict_id')}"
                   + (f", through {coalition}" if coalition else ""))
        claims.append(Claim(record, year, supporter, actor, _ordered(SUPPORT_18[c] for c in letters),
                            r.flag("ext_alleged") == 1, coalition, r.flag("ext_bothsides", empty=0) == 1, context))
    if sum_disagrees:
        warn(report, f"{table.path}: {sum_disagrees} rows whose ext_sum is not the number of their support "
                      "flags (the flags were used)")
    return claims, sorted(dyads.values(), key=lambda d: (int(d.dyad), d.year))


def _ucdp_ref(code: str, name: str, kind: str, gwno: dict[str, str]) -> Ref:
    identifiers = [(UCDP, code)]
    if kind == "government" and code in gwno:
        identifiers.append((GWNO, gwno[code]))
    return Ref(UCDP, code, name, kind, tuple(identifiers))


def _government_numbers(table: Table) -> dict[str, str]:
    """UCDP government id -> Gleditsch-Ward number, from the file's own dyads: the government
    in an intrastate dyad (`civil` 1) is the state's own, side A, numbered by `gwno_a`.
    Interstate dyads are left alone: their side A may be a coalition ("Government of
    Australia, Government of United Kingdom, ...") and `gwno_a` need not be the first named
    (Tanzania - Uganda 1978 has Uganda's 500). Only ids with one number are kept."""
    seen: dict[str, set[str]] = defaultdict(set)
    for r in table.rows:
        if r.flag("actor_nonstate") != 0 or r.flag("civil") != 1:
            continue
        number = r.integer("gwno_a")
        if number is not None:
            seen[r.code("actor_id")].add(str(number))
    return {actor: next(iter(numbers)) for actor, numbers in seen.items() if len(numbers) == 1}


# --- writing --------------------------------------------------------------------------------

def runs(claims: list[Claim]) -> list[list[Claim]]:
    """Claims grouped into runs: the same supporter, party, support, alleged flag, coalition and
    both-sides flag in consecutive years; rows of the same year (one per dyad) join the run.
    Ordered by the first year, then names, so the output is stable."""
    groups: dict[tuple, dict[int, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for c in claims:
        groups[c.key()][c.year].append(c)
    out: list[list[Claim]] = []
    for by_year in groups.values():
        current: list[Claim] = []
        last = None
        for year in sorted(by_year):
            if last is not None and year != last + 1:
                out.append(current)
                current = []
            current += by_year[year]
            last = year
        out.append(current)
    return sorted(out, key=lambda run: (run[0].year, run[0].supporter.name, run[0].party.name, run[0].support,
                                        run[0].record))


def import_file(path: Path, into: Path, existing: list[Actor], *, version: str | None = None,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    path = Path(path)
    table = read_table(path, progress=progress)
    layout = recognise(table.columns)
    report = ImportReport({}, Counter())
    report.read_as = table.describe() + "".join(f"; {n}" for n in table.notes)
    if layout is ESD_10_SUPPORTER:
        version = version or "1.0-2011"
        claims, dyads = _claims_10(table, report, version), []
    elif layout is ESD_18_TRIAD:
        version = version or "18.1"
        claims, dyads = _claims_18(table, report, version)
    else:
        raise ImportFailed(not_this_layout(path, table.columns, [ESD_10_SUPPORTER, ESD_18_TRIAD]))
    document = f"doc-ucdp-esd-{slug(version)}"
    with SeedFolder(into) as out:
        report.counts = out.counts
        out.write("documents", _document(document, layout is ESD_10_SUPPORTER, version))
        book = ActorBook(existing, out, report)

        def actor(ref: Ref) -> str:
            return book.resolve(ref.scheme, ref.code, ref.name, ref.kind, dict(ref.identifiers))

        used: set[str] = set()
        tag = "10" if layout is ESD_10_SUPPORTER else slug(version).replace("-", "")
        for run in runs(claims):
            source, target = actor(run[0].supporter), actor(run[0].party)
            if _distinct(source, target, run[0].record, report):
                _backs(run, source, target, document, version, tag, used, out)
        for run in _dyad_runs(dyads):
            a, b = actor(run[0].side_a), actor(run[0].side_b)
            if _distinct(a, b, run[0].record, report):
                _fights(run, a, b, document, version, tag, out)
    report.review = len(out.review)
    report.warnings += out.cleaned
    return report


def _document(document: str, first_generation: bool, version: str) -> dict:
    title = ("UCDP External Support Dataset, Disaggregated/Supporter" if first_generation
             else "UCDP External Support Dataset, triad-year")
    return {"id": document, "kind": "dataset", "title": f"{title} ({version})",
            "publisher": "Uppsala Conflict Data Program (UCDP), Uppsala University", "url": UCDP_DOWNLOADS,
            "held": False, "language": "en",
            "notes": ("One row per warring party, conflict dyad, supporter and year; evidence items locate the "
                      "row by external_id." if first_generation else
                      "One row per warring party, opposing party, supporter and year; evidence items locate the "
                      "row by id. Licence: CC BY 4.0.")}


def _unique(rid: str, used: set[str]) -> str:
    n, out = 1, rid
    while out in used:
        n += 1
        out = f"{rid}-{n}"
    used.add(out)
    return out


def _backs(run: list[Claim], source: str, target: str, document: str, version: str, tag: str, used: set[str],
           out: SeedFolder) -> None:
    first, last = run[0], run[-1]
    support = list(first.support)
    letters = "".join(s[0] for s in support)
    rid = _unique(f"ucdp-esd{tag}-{slug(first.supporter.code, 12)}-{slug(first.party.code, 12)}-{first.year}-"
                  f"{letters}{'-alleged' if first.alleged else ''}", used)
    properties: dict = {"support": support}
    if first.coalition:
        properties["coalition"] = first.coalition
    if first.both_sides:
        properties["both_sides"] = "yes"
    out.write("relations", {
        "id": rid, "type": "BACKS", "source": source, "target": target,
        "start": str(first.year), "end": str(last.year),
        "confidence": "medium" if first.alleged else "high",
        "status": "alleged" if first.alleged else "confirmed",
        "properties": properties,
        "evidence": [{"document": document, "record": c.record,
                      "summary": f"UCDP ESD {version} codes {c.supporter.name} as "
                                 f"{'allegedly ' if c.alleged else ''}supporting {c.party.name} in {c.year} "
                                 f"({c.context}): {', '.join(support)}."} for c in run],
    })


def _dyad_runs(dyads: list[DyadYear]) -> list[list[DyadYear]]:
    out: list[list[DyadYear]] = []
    for d in dyads:          # sorted by dyad, then year
        if out and out[-1][-1].dyad == d.dyad and out[-1][-1].year + 1 == d.year:
            out[-1].append(d)
        else:
            out.append([d])
    return out


def _fights(run: list[DyadYear], a: str, b: str, document: str, version: str, tag: str, out: SeedFolder) -> None:
    first, last = run[0], run[-1]
    out.write("relations", {
        "id": f"ucdp-esd{tag}-dyad{slug(first.dyad, 12)}-{first.year}", "type": "FIGHTS", "source": a, "target": b,
        "start": str(first.year), "end": str(last.year), "confidence": "high", "status": "confirmed",
        "properties": {},
        "evidence": [{"document": document, "record": d.record,
                      "summary": f"UCDP ESD {version} codes dyad {d.dyad} ({d.name}, conflict {d.conflict}) as "
                                 f"active in {d.year}."} for d in run],
    })


def _distinct(a: str, b: str, record: str, report: ImportReport) -> bool:
    """Two ends that resolved to one actor (a file's coalition and its member, two ids the
    crosswalk took for one actor) make no relation: left out, with a warning naming the row."""
    if a != b:
        return True
    report.skipped["relations whose two ends are one actor"] += 1
    warn(report, f"{record}: both ends resolve to actor {a!r}; the relation is left out")
    return False
