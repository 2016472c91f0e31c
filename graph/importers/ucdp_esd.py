"""`conflictgraph import ucdp-esd FILE`: outside support from UCDP's External Support Dataset.

Reads the CSV of the *Disaggregated/Supporter* dataset (version 1.0-2011: one row per warring
party, supporter and year; Högbladh, Pettersson & Themnér), the version whose layout we could
check: its column names below are those that published analyses read from the file.

    conflictID          the UCDP conflict            -> part of the relation id and the row key
    ywp_id, ywp_name    the warring party supported  -> the target actor ("Government of X" is
                                                        a government, any other an armed group)
    ywp_year            the year                     -> the relation's start and end (year precision)
    external_exists     1 when a supporter is coded  -> rows with 0 are counted and left out
    external_name       the supporter                -> the source actor
    external_nameid     its code: a Gleditsch-Ward   -> identifier gwno:N (a state) when below
                        country number for a state      1000, ucdp_esd_supporter:N (an
                                                        organization) otherwise
    external_alleged    1 when only alleged          -> status alleged, confidence medium
                                                        (otherwise confirmed, high)
    external_type_<c>   one 0/1 flag per support     -> BACKS `support` values, SUPPORT_CODES
                        type (codebook letters)

Other columns are read past and named in the report ("not mapped"); an `external_type_`
column with a letter the codebook does not have is an error, since its support could not be
said. Consecutive years of the same supporter, party and conflict with the same support and
the same alleged flag become one relation over those years, with one evidence item per row,
each locating its row (`record`: ucdp-esd:<conflictID>:<ywp_id>:<ywp_year>:<external_nameid>).
The rows are held in memory until the file ends (the grouping needs them; the published file
has some 6,500): they are small tuples, not the CSV's text.
"""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..models import Actor
from .common import ImportFailed, ImportReport, resolve_actor, slug
from .matching import Crosswalk
from .output import SeedFolder

# The codebook's support letters and our `support` values (seed_data/ontology.yaml, BACKS).
SUPPORT_CODES = {
    "X": "troops",          # troops as a secondary warring party
    "L": "infrastructure",  # access to military or intelligence infrastructure, joint operations
    "Y": "territory",       # access to territory
    "W": "weapons",         # weapons
    "M": "materiel",        # materiel and logistics
    "T": "training",        # training and expertise
    "$": "funding",         # funding, economic support
    "I": "intelligence",    # intelligence material
    "O": "other",           # other forms of support
    "U": "unspecified",     # support coded, its kind unknown
}
FLAG_PREFIX = "external_type_"
# Stata cannot name a variable with "$": its exports (and files made from them) drop it.
FLAG_ALIASES = {f"{FLAG_PREFIX}": f"{FLAG_PREFIX}$"}
REQUIRED = ("conflictID", "ywp_id", "ywp_name", "ywp_year", "external_exists", "external_name",
            "external_nameid", "external_alleged", *(FLAG_PREFIX + c for c in SUPPORT_CODES))
STATE_CODE_LIMIT = 1000      # external_nameid below this is a Gleditsch-Ward country number
DOWNLOADS_URL = "https://ucdp.uu.se/downloads/"


@dataclass(frozen=True)
class Row:
    line: int
    conflict: str
    party_id: str
    party: str
    year: int
    supporter_id: str
    supporter: str
    alleged: bool
    support: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"ucdp-esd:{self.conflict}:{self.party_id}:{self.year}:{self.supporter_id}"


def _text_lines(path: Path) -> Iterator[str]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as e:
                raise ImportFailed(
                    f"{path}:{number}: not UTF-8 ({e.reason} at byte {e.start}); convert the file first, "
                    f"e.g. iconv -f latin1 -t utf-8 {path.name} > {path.stem}.utf8.csv") from None


def _header(path: Path, names: list[str] | None) -> tuple[dict[str, str], list[str]]:
    """(our name -> the file's column, columns not mapped), or ImportFailed naming the problem."""
    if not names:
        raise ImportFailed(f"{path}:1: no header; the ESD CSV starts with its column names")
    columns = {FLAG_ALIASES.get(n.strip(), n.strip()): n for n in names}
    unknown_flags = sorted(n for n in columns if n.startswith(FLAG_PREFIX)
                           and n[len(FLAG_PREFIX):] not in SUPPORT_CODES)
    if unknown_flags:
        raise ImportFailed(f"{path}:1: column {unknown_flags[0]!r}: not a support type of the UCDP ESD codebook "
                           f"(known: {', '.join(FLAG_PREFIX + c for c in SUPPORT_CODES)})")
    missing = [n for n in REQUIRED if n not in columns]
    if missing:
        looks_like = "" if "ywp_year" in columns else (
            " — this does not look like the ESD Disaggregated/Supporter file (version 1.0-2011), "
            "the layout this importer reads")
        raise ImportFailed(f"{path}:1: column {missing[0]!r}: missing"
                           + (f" (and {len(missing) - 1} more: {', '.join(missing[1:])})" if len(missing) > 1 else "")
                           + looks_like)
    return columns, sorted(columns.keys() - set(REQUIRED))


def _flag(value: str, where: str, column: str) -> bool:
    value = value.strip()
    if value not in ("0", "1"):
        raise ImportFailed(f"{where}: field {column!r}: {value!r} is not 0 or 1")
    return value == "1"


def read_rows(path: Path, skipped: Counter, progress: Callable[[int], None] | None = None
              ) -> tuple[list[Row], list[str]]:
    """The rows that code a supporter, and the columns not mapped."""
    reader = csv.reader(_text_lines(path))
    try:
        names = next(reader, None)
    except csv.Error as e:
        raise ImportFailed(f"{path}:1: not CSV ({e})") from None
    columns, unmapped = _header(path, names)
    index = {ours: names.index(theirs) for ours, theirs in columns.items()}
    rows: list[Row] = []
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise ImportFailed(f"{path}:{reader.line_num}: not CSV ({e})") from None
        where = f"{path}:{reader.line_num}"
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(names):
            raise ImportFailed(f"{where}: {len(values)} fields where the header has {len(names)}")
        get = {ours: values[i].strip() for ours, i in index.items()}
        if progress:
            progress(reader.line_num)
        if not _flag(get["external_exists"], where, columns["external_exists"]):
            skipped["rows without a supporter (external_exists 0)"] += 1
            continue
        for name in ("conflictID", "ywp_id", "ywp_name", "external_name", "external_nameid"):
            if not get[name]:
                raise ImportFailed(f"{where}: field {columns[name]!r}: empty")
        try:
            year = int(get["ywp_year"])
        except ValueError:
            year = 0
        if not 1946 <= year <= 2100:
            raise ImportFailed(f"{where}: field {columns['ywp_year']!r}: {get['ywp_year']!r} is not a year")
        support = tuple(value for code, value in SUPPORT_CODES.items()
                        if _flag(get[FLAG_PREFIX + code], where, columns[FLAG_PREFIX + code]))
        if not support:
            raise ImportFailed(f"{where}: fields {FLAG_PREFIX}*: a coded supporter (external_exists 1) "
                               "has no support type set; the codebook's U flag marks an unknown type")
        rows.append(Row(reader.line_num, get["conflictID"], get["ywp_id"], get["ywp_name"], year,
                        get["external_nameid"], get["external_name"],
                        _flag(get["external_alleged"], where, columns["external_alleged"]), support))
    return rows, unmapped


def runs(rows: list[Row], path: Path) -> list[list[Row]]:
    """Rows grouped into runs: the same supporter, party, conflict, support and alleged flag
    in consecutive years. Ordered by the first row's line, so the output follows the file."""
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows:
        groups[(r.supporter_id, r.party_id, r.conflict, r.support, r.alleged)].append(r)
    out: list[list[Row]] = []
    for group in groups.values():
        group.sort(key=lambda r: r.year)
        current = [group[0]]
        for r in group[1:]:
            if r.year == current[-1].year:
                raise ImportFailed(f"{path}:{r.line}: the same supporter, party and conflict in {r.year} twice "
                                   f"(also line {current[-1].line})")
            if r.year == current[-1].year + 1:
                current.append(r)
            else:
                out.append(current)
                current = [r]
        out.append(current)
    return sorted(out, key=lambda run: run[0].line)


def import_file(path: Path, into: Path, existing: list[Actor], *, version: str = "1.0-2011",
                progress: Callable[[int], None] | None = None) -> ImportReport:
    path = Path(path)
    skipped: Counter = Counter()
    rows, unmapped = read_rows(path, skipped, progress)
    for name in unmapped:
        skipped[f"column {name} (not mapped)"] += 1
    crosswalk = Crosswalk(existing)
    document = f"doc-ucdp-esd-{slug(version)}"
    with SeedFolder(into) as out:
        report = ImportReport(out.counts, skipped)
        out.write("documents", {
            "id": document, "kind": "dataset", "title": f"UCDP External Support Dataset, Disaggregated/Supporter ({version})",
            "publisher": "Uppsala Conflict Data Program (UCDP), Uppsala University", "url": DOWNLOADS_URL,
            "held": False, "language": "en",
            "notes": "One row per warring party, supporter and year; evidence items locate the row by "
                     "conflictID, ywp_id, ywp_year and external_nameid."})
        actors: dict[tuple[str, str], str] = {}
        for run in runs(rows, path):
            first = run[0]
            source = _actor(("supporter", first.supporter_id), first.supporter, crosswalk, out, report, actors)
            target = _actor(("party", first.party_id), first.party, crosswalk, out, report, actors)
            _relation(run, source, target, document, out)
    report.review = len(out.review)
    return report


def _actor(key: tuple[str, str], name: str, crosswalk: Crosswalk, out: SeedFolder, report: ImportReport,
           seen: dict[tuple[str, str], str]) -> str:
    if key in seen:
        return seen[key]
    role, code = key
    if role == "supporter" and code.isdigit() and int(code) < STATE_CODE_LIMIT:
        identifiers, kind, prefix = {"gwno": code}, "state", f"ucdp-gw{code}"
    elif role == "supporter":
        identifiers, kind, prefix = {"ucdp_esd_supporter": code}, "organization", f"ucdp-s{slug(code, 20)}"
    else:
        kind = "government" if name.casefold().startswith("government of ") else "armed_group"
        identifiers, prefix = {"ucdp_esd_party": code}, f"ucdp-p{slug(code, 20)}"
    record = {"id": f"{prefix}-{slug(name)}", "name": name, "kind": kind, "identifiers": identifiers}
    seen[key] = resolve_actor(f"{role} {code}", record, [name], crosswalk, out, report)
    return seen[key]


def _relation(run: list[Row], source: str, target: str, document: str, out: SeedFolder) -> None:
    first, last = run[0], run[-1]
    support = list(first.support)
    said = ", ".join(support)
    out.write("relations", {
        "id": f"ucdp-esd-c{slug(first.conflict, 20)}-{slug(first.supporter_id, 20)}-{slug(first.party_id, 20)}-{first.year}",
        "type": "BACKS", "source": source, "target": target,
        "start": str(first.year), "end": str(last.year),
        "confidence": "medium" if first.alleged else "high",
        "status": "alleged" if first.alleged else "confirmed",
        "properties": {"support": support},
        "evidence": [{"document": document, "record": r.key,
                      "summary": f"UCDP ESD codes {r.supporter} as {'allegedly ' if r.alleged else ''}supporting "
                                 f"{r.party} in {r.year} (conflict {r.conflict}): {said}."} for r in run],
    })
