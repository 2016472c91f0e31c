"""UCDP's Georeferenced Event Dataset (GED) as events: `conflictgraph import ucdp-ged FILE`.

Every row of GED is one event of organized violence with at least one death: who fought
(or who killed), where, when, how many died, and from which reports (GED codebook 22.1,
section 2, "Definition of Event"). Each row becomes an Event; each dyad of fighting (state-
based or non-state) becomes a FIGHTS relation dated by its first and last event and citing
them. The mapping, by the codebook's section 3 ("Variables") unless said otherwise:

- `id` -> the event's id `ucdp-ged-<id>` and its identifier `ucdp_ged` ("a persistent unique
  numeric ID identifying each event", section 5.1: the same id is the same event across
  versions, so a re-import replaces it); `conflict_new_id`, `dyad_new_id` and
  `type_of_violence` are kept as identifiers `ucdp_conflict`, `ucdp_dyad`,
  `ucdp_type_of_violence`.
- `type_of_violence` (1 state-based, 2 non-state, 3 one-sided) -> the ontology's event type
  whose `ucdp_ged` lists the code (battle for 1 and 2, one_sided_violence for 3).
- `side_a`, `side_b` with `side_a_new_id`, `side_b_new_id` -> participants by UCDP actor id
  (scheme `ucdp`, the ids of version 17.1 and later, section 3: "Warning: Not compatible
  with pre-17.1 versions"): in fighting both take the role `side`; in one-sided violence
  side A is the `perpetrator` and side B is always "civilians", not an actor. `gwnoa`,
  `gwnob` ("the Gleditsch and Ward number for Side A if the side is a state") become the
  state's `gwno` identifier, which links UCDP governments to the seed's states.
- `date_start`, `date_end` ("the earliest" and "the last possible date") with `date_prec`
  (1 exact day ... 5 within a year) -> `date` and `date_end`: a range that is exactly one
  calendar month or year is written as that month or year; any other range keeps its
  first day as `date` and its last as `date_end`.
- `where_coordinates` -> place; `adm_1`, `adm_2` -> admin1, admin2; `latitude`,
  `longitude`; `where_prec` 1-7 -> place_precision (WHERE_PREC below); `country` -> the ISO
  code of that name (GED names states as UCDP does, "DR Congo (Zaire)").
- `best`, `low`, `high`, `deaths_a`, `deaths_b`, `deaths_civilians`, `deaths_unknown` ->
  deaths best, low, high, side_a, side_b, civilians, unknown.
- `event_clarity` 1 ("the reporting allows the coder to identify the event in full") ->
  confidence high, 2 (aggregated by the source) -> medium; status `reported` (GED is coded
  from reports, section 4).
- `source_article`, `source_office`, `source_date`, `source_headline` -> the evidence item's
  summary, in a record locator `ucdp-ged:<id>` on the GED document (section 3: "A reference
  to at least one source material is available for ALL EVENTS").

Read as a stream (one pass; bounded memory): a full GED release is ~300,000 rows.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from ..dates import PartialDate
from ..models import Actor
from ..ontology import Ontology, default_ontology
from .common import ImportFailed, ImportReport, place_fields, slug, warn
from .layouts import UCDP_DOWNLOADS, UCDP_GED, not_this_layout, recognise
from .output import SeedFolder
from .tables import Row, read_table
from .ucdp import GWNO, UCDP, ActorBook, is_government

# The columns every GED release since 17.1 has and this importer reads (codebook 22.1, section 3).
REQUIRED = ("id", "year", "type_of_violence", "conflict_new_id", "conflict_name", "dyad_new_id", "dyad_name",
            "side_a_new_id", "side_a", "side_b_new_id", "side_b", "source_article", "where_prec",
            "where_coordinates", "latitude", "longitude", "country", "event_clarity", "date_prec", "date_start",
            "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low")
OPTIONAL = ("source_office", "source_date", "source_headline", "source_original", "where_description", "adm_1",
            "adm_2", "gwnoa", "gwnob", "active_year", "number_of_sources")
# Kept in the file for older versions or other datasets, and not needed here (codebook 22.1:
# "only used in older versions", "removed in the other formats").
NOT_USED = ("relid", "code_status", "conflict_dset_id", "dyad_dset_id", "side_a_dset_id", "side_b_dset_id",
            "geom_wkt", "priogrid_gid", "country_id", "region")

# where_prec (section 3) -> ontology event_place_precisions
WHERE_PREC = {1: "exact", 2: "near", 3: "admin2", 4: "admin1", 5: "feature", 6: "country", 7: "international"}
# event_clarity (section 3) -> confidence
CLARITY = {1: "high", 2: "medium"}
DEATHS = (("best", "best"), ("low", "low"), ("high", "high"), ("side_a", "deaths_a"), ("side_b", "deaths_b"),
          ("civilians", "deaths_civilians"), ("unknown", "deaths_unknown"))
CIVILIANS = "civilians"
SOURCE_CHARS = 600     # of the source references quoted in an evidence summary
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_VERSION = re.compile(r"(?:v|ged)_?(\d{2})_?(\d)", re.IGNORECASE)


@dataclass
class Dyad:
    """What the events of one dyad of fighting add up to: a FIGHTS relation."""
    dyad: str
    name: str
    conflict: str
    side_a: str
    side_b: str
    first: date
    last: date
    events: list[str] = field(default_factory=list)
    deaths: int = 0


def version_of(path: Path) -> str | None:
    """The release a file name says (GEDEvent_v22_1.csv, ged231.csv -> 22.1, 23.1)."""
    m = _VERSION.search(path.name)
    return f"{m.group(1)}.{m.group(2)}" if m else None


def import_file(path: Path, into: Path, existing: list[Actor], *, version: str | None = None,
                ontology: Ontology | None = None, progress: Callable[[int], None] | None = None) -> ImportReport:
    path = Path(path)
    ontology = ontology or default_ontology()
    types = {code: t.name for t in ontology.event_types.values() for code in t.ucdp_ged}
    table = read_table(path, progress=progress, stream=True)
    if recognise(table.columns) is not UCDP_GED:
        raise ImportFailed(not_this_layout(path, table.columns, [UCDP_GED]))
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise ImportFailed(f"{path}: line 1: column {missing[0]!r}: missing (GED has {', '.join(REQUIRED)}; "
                           "codebook section 3)")
    report = ImportReport({}, Counter())
    report.read_as = table.describe() + "".join(f"; {n}" for n in table.notes)
    for c in table.columns:
        if c not in REQUIRED and c not in OPTIONAL and c not in NOT_USED:
            report.skipped[f"column {c} (not mapped)"] += 1
    version = version or version_of(path)
    if version is None:
        version = "unknown"
        warn(report, f"{path}: the file name does not say the GED release (GEDEvent_v22_1.csv, ged231.csv); "
                      "give it with --version")
    document = f"doc-ucdp-ged-{slug(version)}"
    dyads: dict[str, Dyad] = {}
    unknown_countries: Counter = Counter()
    with SeedFolder(into) as out:
        report.counts = out.counts
        out.write("documents", _document(document, version))
        book = ActorBook(existing, out, report)
        seen: set[str] = set()
        for r in table.rows:
            event = _event(r, types, book, document, version, unknown_countries, report)
            if event["id"] in seen:
                raise r.fail("id", f"{r.code('id')} is the id of an earlier row too; GED ids are unique "
                                   "(codebook 5.1)")
            seen.add(event["id"])
            out.write("events", event)
            report.became[f"type_of_violence {r.integer('type_of_violence')} → {event['type']}"] += 1
            if event["type"] != types.get(3):
                _add_to_dyad(dyads, r, event)
        for d in sorted(dyads.values(), key=lambda d: int(d.dyad) if d.dyad.isdigit() else 0):
            if d.side_a == d.side_b:
                report.skipped["dyads whose two sides are one actor"] += 1
                continue
            out.write("relations", _fights(d, document, version))
    for name, n in unknown_countries.most_common():
        warn(report, f"{path}: country {name!r} ({n} events): no ISO code found for the name; the events keep "
                      "their coordinates and place but no country")
    report.review = len(out.review)
    report.warnings += out.cleaned
    return report


def _event(r: Row, types: dict[int, str], book: ActorBook, document: str, version: str,
           unknown_countries: Counter, report: ImportReport) -> dict:
    ged_id = r.code("id")
    if not ged_id:
        raise r.fail("id", "empty")
    violence = r.integer("type_of_violence", required=True)
    if violence not in types:
        raise r.fail("type_of_violence", f"{violence} is not a code the ontology maps (event_types ucdp_ged: "
                                         f"{', '.join(f'{c} {t}' for c, t in sorted(types.items()))})")
    etype = types[violence]
    start, end = _day(r, "date_start"), _day(r, "date_end")
    if end < start:
        raise r.fail("date_end", f"{end} is before date_start {start}")
    when, until = _dates(start, end)
    side_a = _side(r, "a", book)
    one_sided = etype == types.get(3)
    participants = [{"actor": side_a, "role": "perpetrator" if one_sided else "side"}]
    if not one_sided:
        side_b = _side(r, "b", book)
        if side_b != side_a:
            participants.append({"actor": side_b, "role": "side"})
    elif r.text("side_b").casefold() != CIVILIANS:
        warn(report, f"{r.where}: column 'side_b': one-sided violence with side B {r.text('side_b')!r}, not "
                      "'civilians' (codebook section 3); side B is not made a participant")
    event: dict = {"id": f"ucdp-ged-{slug(ged_id, 20)}", "type": etype, "date": str(when)}
    if until is not None:
        event["date_end"] = str(until)
    place = r.text("where_coordinates")
    fields, uncoded = place_fields(r, "where_coordinates", {"admin1": "adm_1", "admin2": "adm_2"}, "where_prec",
                                   WHERE_PREC, "1-7")
    event.update(fields)
    if uncoded:
        unknown_countries[uncoded] += 1
    event["deaths"] = _deaths(r, report)
    event["identifiers"] = {"ucdp_ged": ged_id, "ucdp_conflict": r.code("conflict_new_id"),
                            "ucdp_dyad": r.code("dyad_new_id"), "ucdp_type_of_violence": str(violence)}
    clarity = r.integer("event_clarity")
    event["confidence"] = CLARITY.get(clarity, "medium")
    event["status"] = "reported"
    event["participants"] = participants
    description = r.text("where_description") if "where_description" in r.cells else ""
    event["notes"] = (f"UCDP GED {version}: {_VIOLENCE[violence]} in conflict {r.text('conflict_name')} "
                      f"({r.code('conflict_new_id')}), dyad {r.text('dyad_name')} ({r.code('dyad_new_id')})"
                      + (f"; location: {description}" if description and description != place else ""))
    event["evidence"] = [{"document": document, "record": f"ucdp-ged:{ged_id}",
                          "summary": _summary(r, version, etype, event)}]
    return event


_VIOLENCE = {1: "state-based conflict", 2: "non-state conflict", 3: "one-sided violence"}


def _side(r: Row, letter: str, book: ActorBook) -> str:
    code, name = r.code(f"side_{letter}_new_id"), r.text(f"side_{letter}")
    if not code:
        raise r.fail(f"side_{letter}_new_id", "empty")
    if not name:
        raise r.fail(f"side_{letter}", "empty")
    identifiers = {UCDP: code}
    gw = r.code(f"gwno{letter}") if f"gwno{letter}" in r.cells else ""
    if gw.isdigit():             # a coalition side lists several numbers: none is the side's own
        identifiers[GWNO] = gw
    kind = "government" if is_government(name) else "armed_group"
    return book.resolve(UCDP, code, name, kind, identifiers)


def _day(r: Row, column: str) -> date:
    value = r.raw(column)
    if isinstance(value, date):          # a workbook or Stata reader gives dates
        return value if type(value) is date else value.date()
    text = r.text(column)
    m = _DATE.match(text)
    if not m:
        raise r.fail(column, f"{text!r} is not a date YYYY-MM-DD (codebook section 3)")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as e:
        raise r.fail(column, f"{text!r}: {e}") from None


def _dates(start: date, end: date) -> tuple[PartialDate, PartialDate | None]:
    """A range as the graph writes it: one day; a whole calendar month or year as that month
    or year; anything else its first day, with `date_end` its last."""
    if start == end:
        return PartialDate.parse(start.isoformat()), None
    month = PartialDate.parse(start.isoformat()[:7])
    if month.earliest() == start and month.latest() == end:
        return month, None
    year = PartialDate.parse(str(start.year))
    if year.earliest() == start and year.latest() == end:
        return year, None
    return PartialDate.parse(start.isoformat()), PartialDate.parse(end.isoformat())


def _deaths(r: Row, report: ImportReport) -> dict[str, int]:
    out = {}
    for key, column in DEATHS:
        n = r.integer(column)
        if n is not None and n >= 0:
            out[key] = n
    best = out.get("best")
    if best is not None and not out.get("low", best) <= best <= out.get("high", best):
        warn(report, f"{r.where}: low {out.get('low')}, best {best}, high {out.get('high')} are not in order; "
                      "only the best estimate is kept")
        out.pop("low", None)
        out.pop("high", None)
    return out


def _summary(r: Row, version: str, etype: str, event: dict) -> str:
    deaths = event["deaths"].get("best")
    where = event.get("place") or r.text("country")
    sides = (f"{r.text('side_a')} against civilians" if etype == "one_sided_violence"
             else f"{r.text('side_a')} and {r.text('side_b')}")
    sources = r.text("source_article")
    if "source_headline" in r.cells and r.text("source_headline"):
        offices = r.text("source_office") if "source_office" in r.cells else ""
        dates = r.text("source_date") if "source_date" in r.cells else ""
        sources = "; ".join(x for x in (offices, dates, r.text("source_headline")) if x)
    if len(sources) > SOURCE_CHARS:
        sources = sources[:SOURCE_CHARS].rstrip() + " ..."
    return (f"UCDP GED {version} codes {_VIOLENCE[r.integer('type_of_violence')]} between {sides} at {where}, "
            f"{event['date']}{' to ' + event['date_end'] if event.get('date_end') else ''}"
            f"{f', best estimate {deaths} dead' if deaths is not None else ''}. Sources: {sources or 'not given'}.")


def _add_to_dyad(dyads: dict[str, Dyad], r: Row, event: dict) -> None:
    sides = [p["actor"] for p in event["participants"]]
    if len(sides) < 2:
        return
    first = PartialDate.parse(event["date"]).earliest()
    last = PartialDate.parse(event.get("date_end") or event["date"]).latest()
    key = r.code("dyad_new_id")
    d = dyads.get(key)
    if d is None:
        d = dyads[key] = Dyad(key, r.text("dyad_name"), r.code("conflict_new_id"), sides[0], sides[1], first, last)
    d.first, d.last = min(d.first, first), max(d.last, last)
    d.events.append(event["id"])
    d.deaths += event["deaths"].get("best") or 0


def _fights(d: Dyad, document: str, version: str) -> dict:
    return {
        "id": f"ucdp-ged-dyad{slug(d.dyad, 12)}", "type": "FIGHTS", "source": d.side_a, "target": d.side_b,
        "start": d.first.isoformat(), "end": d.last.isoformat(), "confidence": "high", "status": "confirmed",
        "properties": {}, "events": sorted(d.events),
        "evidence": [{"document": document, "record": f"ucdp-ged:dyad_new_id={d.dyad}",
                      "summary": f"UCDP GED {version} codes {len(d.events)} events of dyad {d.name} ({d.dyad}, "
                                 f"conflict {d.conflict}) from {d.first.isoformat()} to {d.last.isoformat()}, "
                                 f"best estimate {d.deaths} dead in all."}],
    }


def _document(document: str, version: str) -> dict:
    return {"id": document, "kind": "dataset",
            "title": f"UCDP Georeferenced Event Dataset (GED) Global version {version}",
            "publisher": "Uppsala Conflict Data Program (UCDP), Uppsala University", "url": UCDP_DOWNLOADS,
            "held": False, "language": "en",
            "notes": "One row per event of organized violence with at least one death; evidence items locate the "
                     "row by its id (ucdp-ged:<id>), which is the same event in every version since 1.9. "
                     "Licence: CC BY 4.0."}
