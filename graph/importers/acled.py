"""ACLED exports as events: `conflictgraph import acled FILE`.

ACLED (Armed Conflict Location & Event Data) codes political violence and protest events
weekly; researchers download them as CSV from its export tool or API. Its terms forbid
redistributing the data, so nothing of it is committed here: the tests use a file built by
hand in the published layout. The layout and codes follow ACLED's own codebook as its R
package acledR ships it (`acled_codebook`, `acled_event_categories`,
`acled_interaction_codes`) and ACLED's "Guide to 2023 ACLED column changes" (disorder_type,
civilian_targeting and tags added; data_id, event_id_no_cnty and iso3 removed): both layouts
are read. Mapping, by the codebook's variables:

- `event_id_cnty` ("an unique individual identifier by number and country acronym") -> the
  event's id `acled-<id>` and identifier `acled`; ACLED keeps it when it revises an event, so a
  re-import replaces it.
- `event_type` / `sub_event_type` -> the ontology event type whose `acled` cross-walk names the
  pair (ontology.yaml event_types); a pair no type names (most strategic developments:
  arrests, looting, "Other") is left out and counted.
- `actor1`, `actor2` ("Actor 1 and Actor 2 do not imply directionality"), typed by `inter1`,
  `inter2` (1 state forces, 2 rebel groups, 3 political militias, 4 identity militias, 5
  rioters, 6 protesters, 7 civilians, 8 external/other forces; or their names, as exports
  since 2024 write them) -> participants. Civilians, and the generic rioters and protesters
  ("Protesters (Libya)"), are not actors; named groups beside them are in `assoc_actor_1/2`,
  kept in the notes. Roles come from the type: battle `side`; one_sided_violence
  `perpetrator`; recapture `captor` for the actor the sub-event type names (state forces for
  "Government regains territory", a non-state actor for "Non-state actor overtakes
  territory") and `previous_holder` for the other; remote_violence `party` (no direction);
  protest `protester`/`intervener`; riot `rioter`/`party`; ceasefire_agreement `party`.
- `event_date` (the codebook: dd-mm-yyyy; the API writes yyyy-mm-dd, the export tool "05 June
  2020": all read) with `time_precision` (1 "actual date"; 2 and 3 a date standing for a week
  or so) -> the date; 2 and 3 say so in the notes and lower the confidence to medium.
- `location`, `admin1`, `admin2`, `country` (as its ISO code), `latitude`, `longitude`,
  `geo_precision` (1 particular town, 2 near a town or part of a region, 3 a larger region)
  -> place, admin units, coordinates, place_precision exact / near / feature.
- `fatalities` -> deaths best; `source`, `notes` -> the evidence item, located `acled:<id>`.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from ..models import Actor
from ..ontology import Ontology, default_ontology
from .common import ImportFailed, ImportReport, place_fields, resolve_actor, slug, warn
from .layouts import ACLED, not_this_layout, recognise
from .matching import Crosswalk
from .output import SeedFolder
from .tables import Row, read_table

REQUIRED = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "inter1",
            "actor2", "inter2", "country", "location", "latitude", "longitude", "geo_precision", "source", "notes",
            "fatalities")
OPTIONAL = ("assoc_actor_1", "assoc_actor_2", "admin1", "admin2", "admin3", "interaction", "year", "region", "iso",
            "source_scale", "disorder_type", "civilian_targeting", "tags", "timestamp", "data_id",
            "event_id_no_cnty", "iso3")
ACLED_TERMS = "https://acleddata.com/terms-of-use/"

# inter1/inter2 (acled_interaction_codes; names as the codebook and later exports write them)
STATE, REBELS, POLITICAL, IDENTITY, RIOTERS, PROTESTERS, CIVILIANS, EXTERNAL = range(1, 9)
INTER_NAMES = {
    "state forces": STATE, "rebel groups": REBELS, "rebel group": REBELS, "rebel forces": REBELS,
    "political militias": POLITICAL, "political militia": POLITICAL, "militia groups": POLITICAL,
    "identity militias": IDENTITY, "identity militia": IDENTITY, "communal / identity groups": IDENTITY,
    "rioters": RIOTERS, "protesters": PROTESTERS, "protestors": PROTESTERS, "civilians": CIVILIANS,
    "external/other forces": EXTERNAL, "external/other force": EXTERNAL, "foreign / others": EXTERNAL,
}
NOT_ACTORS = {RIOTERS, PROTESTERS, CIVILIANS}      # generic collectives: "Protesters (Libya)"
GEO_PRECISION = {1: "exact", 2: "near", 3: "feature"}
_ARTICLE = re.compile(r"^(?:al|el)[- ](?=\w)", re.IGNORECASE)
_STATE_NAME = re.compile(r"^(military|police) forces of |^government of ", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"), 1)}
NOTES_CHARS = 600


def names_of(name: str) -> list[str]:
    """The names an ACLED actor may be found under: ACLED's own, without its period
    ("Military Forces of Libya (2016-) Government of National Accord" is also "Government of
    National Accord"), both halves of "LNA: Libyan National Army", and the state whose forces
    they are ("Military Forces of Turkey (2016-)" is also "Turkey")."""
    out = [name]
    bare = re.sub(r"\s*\([^)]*\)\s*", " ", name).strip()
    out.append(bare)
    if ")" in name:
        out.append(name.rsplit(")", 1)[1].strip())
    if ": " in name:
        short, long = name.split(": ", 1)
        out += [long.strip(), short.strip()]
    state = re.match(r"^(?:military|police) forces of (.+?)(?: \(|$)", name, re.IGNORECASE)
    if state:                        # a state's forces are found under the state: "Turkey"
        out.append(state.group(1).strip())
    # ACLED writes the Arabic article as a word ("Al Kaniyat Militia"); curated names often
    # leave it out ("Kaniyat militia") or join it ("al-Kaniyat"): try the name without it.
    out += [_ARTICLE.sub("", n) for n in list(out) if _ARTICLE.match(n)]
    return [n for i, n in enumerate(out) if n and n not in out[:i]]


def import_file(path: Path, into: Path, existing: list[Actor], *, version: str | None = None,
                ontology: Ontology | None = None, progress: Callable[[int], None] | None = None) -> ImportReport:
    path = Path(path)
    ontology = ontology or default_ontology()
    types = {pair: t.name for t in ontology.event_types.values() for pair in t.acled_pairs()}
    table = read_table(path, progress=progress, stream=True)
    if recognise(table.columns) is not ACLED:
        raise ImportFailed(not_this_layout(path, table.columns, [ACLED]))
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise ImportFailed(f"{path}: line 1: column {missing[0]!r}: missing (an ACLED export has "
                           f"{', '.join(REQUIRED)})")
    report = ImportReport({}, Counter())
    report.read_as = table.describe() + "".join(f"; {n}" for n in table.notes)
    for c in table.columns:
        if c not in REQUIRED and c not in OPTIONAL:
            report.skipped[f"column {c} (not mapped)"] += 1
    version = version or date.fromtimestamp(path.stat().st_mtime).isoformat()
    document = f"doc-acled-{slug(version)}"
    with SeedFolder(into) as out:
        report.counts = out.counts
        out.write("documents", _document(document, version))
        crosswalk, ids = Crosswalk(existing), {}
        seen: set[str] = set()
        for r in table.rows:
            pair = (r.text("event_type").casefold(), r.text("sub_event_type").casefold())
            etype = types.get(pair)
            if etype is None:
                report.skipped[f"{r.text('event_type')} / {r.text('sub_event_type')} (no event type of the "
                               "ontology takes it)"] += 1
                continue
            event = _event(r, etype, document, version, report,
                           lambda name, inter: _actor(name, inter, crosswalk, ids, out, report))
            if event is None:
                continue
            if event["id"] in seen:
                raise r.fail("event_id_cnty", f"{r.text('event_id_cnty')} is the id of an earlier row too")
            seen.add(event["id"])
            out.write("events", event)
            report.became[f"{r.text('event_type')} / {r.text('sub_event_type')} → {etype}"] += 1
    report.review = len(out.review)
    report.warnings += out.cleaned
    return report


def _inter(r: Row, column: str) -> int:
    value = r.raw(column)
    if value is None:
        return 0                     # no actor2
    try:
        code = r.integer(column)
    except ImportFailed:
        code = INTER_NAMES.get(r.text(column).casefold())
        if code is None:
            raise r.fail(column, f"{r.text(column)!r} is not an actor type of the codebook (1-8 or its name: "
                                 "State forces, Rebel groups, ...)") from None
    if code not in range(0, 9):
        raise r.fail(column, f"{code} is not an actor type of the codebook (1-8)")
    return code


def _actor(name: str, inter: int, crosswalk: Crosswalk, ids: dict[str, str], out: SeedFolder,
           report: ImportReport) -> str:
    if name not in ids:
        kind = "government" if inter == STATE or _STATE_NAME.match(name) else "armed_group"
        record = {"id": f"acled-{slug(name)}", "name": name, "kind": kind, "identifiers": {}}
        ids[name] = resolve_actor(f"ACLED actor {name!r}", record, names_of(name), crosswalk, out, report)
    return ids[name]


def _event(r: Row, etype: str, document: str, version: str, report: ImportReport, actor) -> dict | None:
    event_id = r.text("event_id_cnty")
    if not event_id:
        raise r.fail("event_id_cnty", "empty")
    when = _date(r)
    precision = r.integer("time_precision")
    if precision not in (1, 2, 3):
        raise r.fail("time_precision", f"{precision} is not 1, 2 or 3 (the codebook's codes)")
    sides = [(r.text(a), _inter(r, i)) for a, i in (("actor1", "inter1"), ("actor2", "inter2")) if r.text(a)]
    named = [(name, inter) for name, inter in sides if inter not in NOT_ACTORS]
    roles = _roles(etype, r.text("sub_event_type").casefold(), named)
    if roles is None:
        report.skipped["recaptures whose captor the actor types do not tell"] += 1
        warn(report, f"{r.where}: {r.text('sub_event_type')}: neither or both actors are of the kind that takes "
                      "territory in it; left out")
        return None
    if not named:
        report.skipped["events with no actor but civilians, rioters or protesters"] += 1
        return None
    participants, used = [], set()
    for (name, _), role in zip(named, roles):
        aid = actor(name, dict(named)[name])
        if (aid, role) not in used:
            used.add((aid, role))
            participants.append({"actor": aid, "role": role})
    event: dict = {"id": f"acled-{slug(event_id, 40)}", "type": etype, "date": when.isoformat()}
    fields, uncoded = place_fields(r, "location", {"admin1": "admin1", "admin2": "admin2"}, "geo_precision",
                                   GEO_PRECISION, "1, 2 or 3")
    event.update(fields)
    if uncoded:
        warn(report, f"{r.where}: country {uncoded!r}: no ISO code found for the name")
    fatalities = r.integer("fatalities")
    if fatalities is not None:
        if fatalities < 0:
            raise r.fail("fatalities", f"{fatalities} is not a number of deaths")
        event["deaths"] = {"best": fatalities}
    event["identifiers"] = {"acled": event_id}
    if "interaction" in r.cells and r.text("interaction"):
        event["identifiers"]["acled_interaction"] = r.text("interaction")
    event["confidence"] = "high" if precision == 1 else "medium"
    event["status"] = "reported"
    event["participants"] = participants
    notes = [f"ACLED {version}: {r.text('event_type')} / {r.text('sub_event_type')}"]
    if precision != 1:
        notes.append(f"time_precision {precision}: the date stands for a span around it")
    assoc = [r.text(c) for c in ("assoc_actor_1", "assoc_actor_2") if c in r.cells and r.text(c)]
    if assoc:
        notes.append("associated actors: " + "; ".join(assoc))
    unnamed = [name for name, inter in sides if inter in NOT_ACTORS]
    if unnamed:
        notes.append("also: " + "; ".join(unnamed))
    event["notes"] = "; ".join(notes)
    description = r.text("notes")
    if len(description) > NOTES_CHARS:
        description = description[:NOTES_CHARS].rstrip() + " ..."
    event["evidence"] = [{"document": document, "record": f"acled:{event_id}",
                          "summary": f"{description} (ACLED, sources: {r.text('source') or 'not given'})"}]
    return event


def _roles(etype: str, sub: str, named: list[tuple[str, int]]) -> list[str] | None:
    if etype == "recapture":
        wanted = (lambda inter: inter == STATE) if sub.startswith("government") else (lambda inter: inter != STATE)
        takers = [i for i, (_, inter) in enumerate(named) if wanted(inter)]
        if len(takers) != 1:
            return None
        return ["captor" if i == takers[0] else "previous_holder" for i in range(len(named))]
    if etype == "protest":
        return ["protester" if inter == PROTESTERS else "intervener" for _, inter in named]
    if etype == "riot":
        return ["rioter" if inter == RIOTERS else "party" for _, inter in named]
    role = {"battle": "side", "one_sided_violence": "perpetrator", "remote_violence": "party",
            "ceasefire_agreement": "party"}.get(etype, "party")
    return [role] * len(named)


def _date(r: Row) -> date:
    value = r.raw("event_date")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = r.text("event_date")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2})[-/ ](\d{1,2}|[A-Za-z]+)[-/ ](\d{4})", text)
        if m:
            month = int(m.group(2)) if m.group(2).isdigit() else _MONTHS.get(m.group(2).casefold())
            if month:
                return date(int(m.group(3)), month, int(m.group(1)))
    except ValueError as e:
        raise r.fail("event_date", f"{text!r}: {e}") from None
    raise r.fail("event_date", f"{text!r} is not a date (dd-mm-yyyy, yyyy-mm-dd or '05 June 2020')")


def _document(document: str, version: str) -> dict:
    return {"id": document, "kind": "dataset", "title": f"ACLED export ({version})",
            "publisher": "Armed Conflict Location & Event Data (ACLED)", "url": "https://acleddata.com/",
            "held": False, "language": "en",
            "notes": "Events from an ACLED export; evidence items locate the event by its event_id_cnty "
                     f"(acled:<id>). ACLED's terms of use ({ACLED_TERMS}) forbid redistributing its data: "
                     "keep this import out of published seed sets."}
