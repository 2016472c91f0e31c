"""`conflictgraph import opensanctions FILE`: an OpenSanctions export, any authority, with the networks.

Formats read (README, "Bringing in data"), recognised from the first line:
  * FtM entities, one JSON object per line (`entities.ftm.json`, any dataset or collection);
  * the nested targets file (`targets.nested.json`): each target with the entities it refers
    to nested in its properties; they are unnested and read as entities;
  * a delta (`entities.delta.json`: lines of {"op": "ADD"|"MOD"|"DEL", "entity": {...}}),
    applied to the previous import of the same dataset into the same folder, whose entities
    the folder keeps (`source.ftm.jsonl.gz`, not a seed file).
Anything else is refused with the formats read and the file to download.

Each line is read with the `followthemoney` package's own model (schema, properties, the
caption FtM computes for a name). What becomes of each schema (the import's summary says so):

    Sanction                 from its authority to its entity: SANCTIONS when it is a sanction,
                             LISTS with `listing` (debarment, export_control, disqualification,
                             travel_ban, other) when the dataset or the entity's topics say it is
                             another kind of list; program, datasets, first/last seen, dates
    authority of a Sanction  the state of its `country` (the seed's by iso3166, or a new state
                             named from FtM's country list; `eu` the European Union, an
                             intergovernmental body), and the agency its `authority` names
                             (OFAC, FCDO, SECO, ...) as a government agency PART_OF that state
    Ownership, Directorship, OWNS, DIRECTS, PART_OF (a member of), EMPLOYED_BY, FAMILY_OF,
    Membership, Employment,  ASSOCIATE_OF, HOLDS_POSITION: dated, with the record as evidence;
    Family, Associate,       kept when one end is a target (listed, or a person of interest the
    Occupancy                export marks `target`), and its other end becomes an actor too
    Person / Organization,   person / organization / government_agency actors
    Company, LegalEntity /
    PublicBody
    Vessel, Airplane         `asset` actors: sanctioned and owned, as lists name them
    Position                 `position` actors (a PEP export's offices)
Entities outside these (addresses, identifications, unknown links, ...) are counted and left
out. Entities are matched to existing actors (graph/importers/matching.py) by identifier
(`opensanctions`, `wikidata`, `imo`, `lei`, `inn`, `ogrn`, `iso3166`), then by name or alias:
certain matches reuse the actor's id, uncertain ones go to the review file. Ids are derived
from the source ids, so importing the same file again gives the same records.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson
from followthemoney import model, registry
from followthemoney.exc import InvalidData

from ..dates import PartialDate
from ..models import Actor
from ..ontology import default_ontology
from .common import ImportFailed, ImportReport, resolve_actor, slug
from .matching import Crosswalk, normalise
from .output import SeedFolder

__all__ = ["ImportFailed", "ImportReport", "import_file"]

KINDS = {"Person": "person", "Organization": "organization", "Company": "organization",
         "LegalEntity": "organization", "PublicBody": "government_agency", "Vessel": "asset",
         "Airplane": "asset", "Position": "position"}
# FtM's edge schemata and our relation types: the edge's source and target properties are the
# schema's own (Schema.edge_source / edge_target), so Ownership reads owner -> asset.
EDGES = {"Ownership": "OWNS", "Directorship": "DIRECTS", "Membership": "PART_OF", "Employment": "EMPLOYED_BY",
         "Family": "FAMILY_OF", "Associate": "ASSOCIATE_OF", "Occupancy": "HOLDS_POSITION"}
EDGE_TEXT = {"OWNS": ("role", "percentage"), "DIRECTS": ("role",), "EMPLOYED_BY": ("role",),
             "FAMILY_OF": ("relationship",), "ASSOCIATE_OF": ("relationship",)}
# FtM identifier properties kept as crosswalk identifiers (scheme names ours).
IDENTIFIERS = {"wikidataId": "wikidata", "imoNumber": "imo", "leiCode": "lei", "innCode": "inn",
               "ogrnCode": "ogrn", "mmsi": "mmsi"}
NAME_PROPS = ("name", "alias", "previousName")
MAX_ALIASES = 100
# What kind of list a Sanction record is. OpenSanctions uses the Sanction schema for every
# restrictive list; its datasets and the listed entity's topics (FtM's topic registry) say which.
DATASET_HINTS = (("disqualif", "disqualification"), ("debar", "debarment"), ("exclusion", "debarment"),
                 ("export", "export_control"), ("bis_", "export_control"), ("travel", "travel_ban"),
                 ("sanction", "sanction"), ("sdn", "sanction"))
TOPIC_HINTS = (("sanction", "sanction"), ("export.control", "export_control"), ("debarment", "debarment"),
               ("corp.disqual", "disqualification"))
TARGET_TOPICS = {"sanction", "sanction.linked", "debarment", "export.control", "corp.disqual", "role.pep",
                 "role.pep.natl", "role.pep.intl", "role.pep.frmr", "crime.terror", "crime.war"}
INTERGOVERNMENTAL = {"eu"}
# An authority named without a country is an international body when its name says so.
INTERNATIONAL_WORDS = ("united nations", "security council", "european", "world bank", "african union",
                       "interpol", "international")
NO_COUNTRY = {"", "zz"}          # FtM: zz is "Global"; a body such as the UN has no state
SOURCE_FILE = "source.ftm.jsonl.gz"
ONTOLOGY = default_ontology()
DOWNLOAD = ("https://data.opensanctions.org/datasets/latest/<dataset>/entities.ftm.json (FtM entities), "
            "targets.nested.json or entities.delta.json")
DATASET_URL = "https://data.opensanctions.org/datasets/{version}/{dataset}/entities.ftm.json"


@dataclass(slots=True)
class Listing:
    line: int
    id: str
    entity: str
    countries: list[str]
    authority: str
    program: str
    start: str | None
    end: str | None
    provisions: str
    datasets: list[str]
    first_seen: str
    last_seen: str
    kind: str = ""                  # sanction, or a LISTS listing (after pass 1)


@dataclass(slots=True)
class Edge:
    line: int
    id: str
    schema: str
    source: str
    target: str
    text: dict[str, str]
    start: str | None
    end: str | None
    datasets: list[str]


@dataclass
class Pass1:
    listings: list[Listing] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)
    topics: dict[str, set[str]] = field(default_factory=dict)    # listed entity -> its topics
    schemata: Counter = field(default_factory=Counter)


# --- reading ----------------------------------------------------------------------------

def _json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                raw.decode("utf-8")
                yield number, orjson.loads(raw.strip())
            except UnicodeDecodeError as e:
                raise ImportFailed(f"{path}:{number}: not UTF-8 ({e.reason} at byte {e.start}); "
                                   "OpenSanctions exports are UTF-8") from None
            except orjson.JSONDecodeError as e:
                if number == 1:
                    raise ImportFailed(_not_a_format(path, f"line 1 is not JSON ({e})")) from None
                raise ImportFailed(f"{path}:{number}: not a JSON object ({e})") from None


def _not_a_format(path: Path, why: str) -> str:
    return (f"{path}: {why}; the formats read are FtM entities (one JSON object per line), the nested "
            f"targets file and a delta file. Download {DOWNLOAD}")


def file_format(path: Path) -> str:
    """entities, nested or delta, from the first line; ImportFailed for anything else."""
    for number, data in _json_lines(path):
        if isinstance(data, dict) and "op" in data and "entity" in data:
            return "delta"
        if isinstance(data, dict) and "schema" in data:
            props = data.get("properties") or {}
            nested = isinstance(props, dict) and any(isinstance(v, dict) for vs in props.values()
                                                      if isinstance(vs, list) for v in vs)
            return "nested" if nested else "entities"
        raise ImportFailed(_not_a_format(path, f"line {number} is not an FtM entity (no 'schema')"
                                         if isinstance(data, dict) else f"line {number} is not a JSON object"))
    raise ImportFailed(_not_a_format(path, "the file is empty"))


def _unnest(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A nested target and the entities nested in its properties, each as a flat entity."""
    props = {}
    for name, values in (data.get("properties") or {}).items():
        flat = []
        for v in values if isinstance(values, list) else [values]:
            if isinstance(v, dict) and "schema" in v:
                yield from _unnest(v)
                flat.append(v.get("id"))
            else:
                flat.append(v)
        props[name] = flat
    yield {**data, "properties": props}


def _entities(path: Path, fmt: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, data in _json_lines(path):
        if not isinstance(data, dict):
            raise ImportFailed(f"{path}:{number}: not a JSON object (an FtM entity per line)")
        if fmt == "nested":
            for entity in _unnest(data):
                yield number, entity
        else:
            yield number, data


def _proxy(where: str, data: dict[str, Any]):
    for name in ("id", "schema"):
        if not isinstance(data.get(name), str) or not data.get(name):
            raise ImportFailed(f"{where}: field {name!r}: required (an FtM entity has an id and a schema)")
    schema = model.get(data["schema"])
    if schema is None:
        raise ImportFailed(f"{where}: field 'schema': {data['schema']!r} is not a FollowTheMoney schema")
    props = data.get("properties") or {}
    if not isinstance(props, dict):
        raise ImportFailed(f"{where}: field 'properties': must be an object of property -> list of values")
    for name, values in props.items():
        if schema.get(name) is None:
            raise ImportFailed(f"{where}: field 'properties.{name}': not a property of {schema.name}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ImportFailed(f"{where}: field 'properties.{name}': must be a list of texts")
    try:
        return model.get_proxy({"id": data["id"], "schema": schema.name, "properties": props})
    except InvalidData as e:
        raise ImportFailed(f"{where}: {e}") from None


def _date(value: str | None, where: str) -> str | None:
    if not value:
        return None
    try:
        return str(PartialDate.parse(value[:10]))
    except ValueError as e:
        raise ImportFailed(f"{where}: {e}") from None


def _seen(value: Any) -> str:
    return value[:10] if isinstance(value, str) else ""


def _datasets(data: dict[str, Any]) -> list[str]:
    values = data.get("datasets")
    return sorted(v for v in values if isinstance(v, str)) if isinstance(values, list) else []


def _listing_kind(datasets: list[str], topics: set[str], provisions: str) -> str:
    for name in datasets:
        for hint, kind in DATASET_HINTS:
            if hint in name:
                return kind
    for topic, kind in TOPIC_HINTS:
        if topic in topics:
            return kind
    return "travel_ban" if "travel" in provisions.casefold() else "other"


# --- pass 1: listings, edges, targets --------------------------------------------------------

def _first_pass(path: Path, fmt: str, progress: Callable[[int], None] | None, keep) -> Pass1:
    """Listings, links and targets; every entity also goes to `keep` (the gzip the next delta
    applies to), so the file is not read a third time for it."""
    p = Pass1()
    for number, data in _entities(path, fmt):
        keep.write(orjson.dumps(data) + b"\n")
        where = f"{path}:{number}"
        proxy = _proxy(where, data)
        schema = proxy.schema.name
        p.schemata[schema] += 1
        topics = set(proxy.get("topics", quiet=True))
        if data.get("target") is True or topics & TARGET_TOPICS:
            p.targets.add(proxy.id)
            p.topics[proxy.id] = topics
        if schema == "Sanction":
            entity = proxy.first("entity")
            if not entity:
                raise ImportFailed(f"{where}: field 'properties.entity': a Sanction names its entity")
            p.targets.add(entity)
            p.listings.append(Listing(
                number, proxy.id, entity, [c.casefold() for c in proxy.get("country")],
                proxy.first("authority") or "", proxy.first("program") or "",
                _date(proxy.first("startDate") or proxy.first("listingDate"), f"{where}: field 'properties.startDate'"),
                _date(proxy.first("endDate"), f"{where}: field 'properties.endDate'"),
                " ".join(proxy.get("provisions")), _datasets(data), _seen(data.get("first_seen")),
                _seen(data.get("last_seen"))))
        elif schema in EDGES:
            source, target = proxy.first(proxy.schema.edge_source), proxy.first(proxy.schema.edge_target)
            if source and target:
                rtype = EDGES[schema]
                p.edges.append(Edge(number, proxy.id, schema, source, target,
                                    {k: proxy.first(k) for k in EDGE_TEXT.get(rtype, ()) if proxy.first(k)},
                                    _date(proxy.first("startDate"), f"{where}: field 'properties.startDate'"),
                                    _date(proxy.first("endDate"), f"{where}: field 'properties.endDate'"),
                                    _datasets(data)))
        if progress:
            progress(number)
    for listing in p.listings:     # the kind needs the entity's topics, read anywhere in the file
        listing.kind = _listing_kind(listing.datasets, p.topics.get(listing.entity, set()), listing.provisions)
    return p


# --- the import --------------------------------------------------------------------------

def import_file(path: Path, into: Path, existing: list[Actor], *, dataset: str = "default",
                version: str = "latest", progress: Callable[[int], None] | None = None) -> ImportReport:
    path = Path(path)
    fmt = file_format(path)
    if fmt != "delta":
        return _import(path, path, fmt, Path(into), existing, dataset, version, progress)
    merged = _apply_delta(path, Path(into))
    try:
        return _import(path, merged, "entities", Path(into), existing, dataset, version, progress)
    finally:
        merged.unlink(missing_ok=True)


def _import(path: Path, source: Path, fmt: str, into: Path, existing: list[Actor], dataset: str, version: str,
            progress: Callable[[int], None] | None) -> ImportReport:
    with SeedFolder(into) as out:
        with gzip.open(out.path(SOURCE_FILE), "wb", compresslevel=1) as keep:
            p = _first_pass(source, fmt, progress, keep)
        return _write(path, source, fmt, into, p, existing, dataset, version, out)


def _write(path: Path, source: Path, fmt: str, into: Path, p: Pass1, existing: list[Actor], dataset: str,
           version: str, out: SeedFolder) -> ImportReport:
    # The edges kept: one end a target. Their other ends become actors too.
    kept = [e for e in p.edges if e.source in p.targets or e.target in p.targets]
    kept_ids = {e.id for e in kept}
    wanted = p.targets | {e.source for e in kept} | {e.target for e in kept}
    crosswalk = Crosswalk(existing)
    # One document per import folder: two datasets imported side by side under the default
    # names must not share a document id.
    document = f"doc-opensanctions-{slug(dataset)}-{slug(version)}" + (
        "" if into.name == "opensanctions" else f"-{slug(into.name, 40)}")
    skipped: Counter = Counter()
    report = ImportReport(out.counts, skipped)
    report.read_as = {"entities": "FtM entities", "nested": "FtM nested targets"}[fmt] + (
        f" (a delta applied to the previous import: {path.name})" if source != path else "")
    out.write("documents", {
        "id": document, "kind": "dataset", "title": f"OpenSanctions: {dataset} ({version})",
        "publisher": "OpenSanctions", "url": DATASET_URL.format(version=version, dataset=dataset),
        "held": False, "language": "en",
        "notes": "FollowTheMoney entities; evidence items locate each Sanction or link by its entity id. "
                 "Licence: CC BY-NC 4.0."})
    actor_of: dict[str, str] = {}
    became: Counter = Counter()
    for number, data in _entities(source, fmt):
        schema = data["schema"]
        if schema == "Sanction" or schema in EDGES:
            continue
        if schema not in KINDS:
            continue
        if data["id"] not in wanted:
            skipped[f"{schema} (not listed, nor linked to a listed entity)"] += 1
            continue
        if data["id"] in actor_of:      # a nested file repeats shared entities
            continue
        actor_of[data["id"]] = _actor(_proxy(f"{source}:{number}", data), data, crosswalk, out, report)
        became[f"{schema} → {KINDS[schema]} actors"] += 1
    authorities = Authorities(crosswalk, out, report, document)
    for listing in p.listings:
        _listing(source, listing, actor_of, authorities, document, out, skipped, became)
    for edge in p.edges:
        if edge.id not in kept_ids:
            skipped[f"{edge.schema} (neither end listed)"] += 1
            continue
        _edge(edge, actor_of, document, out, skipped, became)
    for schema, n in sorted(p.schemata.items()):
        if schema not in KINDS and schema != "Sanction" and schema not in EDGES:
            skipped[f"{schema} (not imported)"] += n
    report.became = became
    report.review = len(out.review)
    report.warnings += out.cleaned
    return report


def _actor(proxy, data: dict[str, Any], crosswalk: Crosswalk, out: SeedFolder, report: ImportReport) -> str:
    identifiers = {"opensanctions": proxy.id}
    for prop, scheme in IDENTIFIERS.items():
        if proxy.schema.get(prop) is not None and proxy.first(prop):
            identifiers[scheme] = proxy.first(prop)
    caption = data.get("caption") if isinstance(data.get("caption"), str) and data.get("caption") else proxy.caption
    caption = (caption or "").strip()
    names = [n.strip() for prop in NAME_PROPS if proxy.schema.get(prop) is not None for n in proxy.get(prop)
             if n.strip()]     # published names can be blank once trimmed
    aliases = [n for n in dict.fromkeys(names) if n != caption][:MAX_ALIASES]
    kind = KINDS[proxy.schema.name]
    actor_id = f"os-{slug(caption or proxy.id)}-{hashlib.sha1(proxy.id.encode()).hexdigest()[:6]}"
    record = {"id": actor_id, "name": caption or proxy.id, "kind": kind, "aliases": sorted(aliases),
              "identifiers": identifiers}
    countries = [c.upper() for c in proxy.get("country", quiet=True) if len(c) == 2 and c != "zz"]
    if countries:
        record["country"] = countries[0]
    return resolve_actor(proxy.id, record, [caption, *names], crosswalk, out, report)


class Authorities:
    """The authority behind each listing, resolved once per country and agency: the state (the
    seed's, by iso3166, or one named from FtM's country list), the EU as an intergovernmental
    body, and the agency a Sanction names, PART_OF its state."""

    def __init__(self, crosswalk: Crosswalk, out: SeedFolder, report: ImportReport, document: str):
        self.crosswalk, self.out, self.report, self.document = crosswalk, out, report, document
        self.ids: dict[tuple[str, str], str | None] = {}

    def body(self, code: str) -> str | None:
        if code in NO_COUNTRY:
            return None
        if ("country", code) not in self.ids:
            name = registry.country.names.get(code)
            if name is None:
                self.ids[("country", code)] = None
            else:
                kind = "intergovernmental_body" if code in INTERGOVERNMENTAL else "state"
                record = {"id": f"os-country-{code}-{slug(name)}", "name": name, "kind": kind,
                          "identifiers": {"iso3166": code.upper()}}
                self.ids[("country", code)] = resolve_actor(f"country {code}", record, [name], self.crosswalk,
                                                            self.out, self.report)
        return self.ids[("country", code)]

    def agency(self, listing: Listing, parent: str | None, parent_code: str) -> str | None:
        name = listing.authority.strip()
        if not name:
            return None
        key = (parent_code, normalise(name))
        if key not in self.ids:
            parent_names = {normalise(n) for n in self._names(parent)} if parent else set()
            if normalise(name) in parent_names:
                self.ids[key] = parent
                return parent
            international = parent is None and any(w in name.casefold() for w in INTERNATIONAL_WORDS)
            kind = ("intergovernmental_body" if international or self.crosswalk.kinds.get(parent) not in
                    (None, "state", "government") else "government_agency")
            record = {"id": f"os-authority-{slug(parent_code or 'intl', 8)}-{slug(name, 50)}", "name": name,
                      "kind": kind, "identifiers": {"opensanctions_authority": f"{parent_code or 'zz'}:{slug(name)}"}}
            agency = resolve_actor(f"authority {name}", record, [name], self.crosswalk, self.out, self.report)
            if self.crosswalk.kinds.get(agency) not in ("state", "government", "government_agency",
                                                          "intergovernmental_body"):
                agency = None      # a name shared with a non-authority: the listing keeps its state
            elif parent and agency != parent:
                self.out.write("relations", {
                    "id": f"os-part-of-{slug(agency, 80)}", "type": "PART_OF", "source": agency, "target": parent,
                    "confidence": "high", "status": "confirmed",
                    "start_unknown": "OpenSanctions names the authority of a listing, not since when it exists.",
                    "evidence": [{"document": self.document, "record": listing.id,
                                  "summary": f"OpenSanctions gives {name} as the authority of a listing of "
                                             f"{parent_code.upper()}."}]})
            self.ids[key] = agency
        return self.ids[key]

    def _names(self, actor: str) -> list[str]:
        return [n for n, ids in self.crosswalk.by_name.items() if actor in ids]


def _listing(path: Path, listing: Listing, actor_of: dict[str, str], authorities: Authorities, document: str,
             out: SeedFolder, skipped: Counter, became: Counter) -> None:
    where = f"{path}:{listing.line}"
    target = actor_of.get(listing.entity)
    if target is None:
        skipped["Sanction (its entity is not a party, asset or position in this file)"] += 1
        return
    code = next((c for c in listing.countries if c not in NO_COUNTRY), "")
    state = authorities.body(code)
    if code and state is None:
        raise ImportFailed(f"{where}: field 'properties.country': {code!r} is not a country FollowTheMoney knows")
    source = authorities.agency(listing, state, code) or state
    if source is None:
        skipped["Sanction (neither authority nor country)"] += 1
        return
    if source == target:
        skipped["Sanction (the authority lists itself)"] += 1
        return
    rtype = "SANCTIONS" if listing.kind == "sanction" else "LISTS"
    properties: dict[str, Any] = {}
    if rtype == "LISTS":
        properties["listing"] = listing.kind
    if listing.program:
        properties["program"] = listing.program
    if listing.datasets:
        properties["datasets"] = ", ".join(listing.datasets)
    if listing.first_seen:
        properties["first_seen"] = listing.first_seen
    if listing.last_seen:
        properties["last_seen"] = listing.last_seen
    words = {"sanction": "Sanctioned", "debarment": "Debarred", "export_control": "Export-controlled",
             "disqualification": "Disqualified", "travel_ban": "Banned from travel", "other": "Listed"}[listing.kind]
    relation = {
        "id": f"os-{slug(listing.id, 180)}", "type": rtype, "source": source, "target": target,
        "confidence": "high", "status": "confirmed", "properties": properties,
        "evidence": [{"document": document, "record": listing.id,
                      "summary": f"{words} by {listing.authority or code.upper()}"
                                 + (f" under {listing.program}" if listing.program else "")
                                 + " (OpenSanctions Sanction record)."}],
    }
    if listing.start:
        relation["start"] = listing.start
    else:
        relation["start_unknown"] = "The Sanction record gives no start or listing date."
    if listing.end:
        relation["end"] = listing.end
    out.write("relations", relation)
    became[f"Sanction → {rtype}" + (f" ({listing.kind})" if rtype == "LISTS" else "")] += 1


def _edge(edge: Edge, actor_of: dict[str, str], document: str, out: SeedFolder, skipped: Counter,
          became: Counter) -> None:
    source, target = actor_of.get(edge.source), actor_of.get(edge.target)
    if source is None or target is None or source == target:
        skipped[f"{edge.schema} (an end is not a party, asset or position of this file)"] += 1
        return
    rtype = EDGES[edge.schema]
    properties: dict[str, Any] = dict(edge.text)
    if edge.datasets:
        properties["datasets"] = ", ".join(edge.datasets)
    allowed = ONTOLOGY.relation_types[rtype].properties     # PART_OF takes none, HOLDS_POSITION datasets
    properties = {k: v for k, v in properties.items() if k in allowed}
    said = "; ".join(f"{k} {v}" for k, v in edge.text.items())
    relation = {
        "id": f"os-{slug(edge.id, 180)}", "type": rtype, "source": source, "target": target,
        "confidence": "high", "status": "confirmed", "properties": properties,
        "evidence": [{"document": document, "record": edge.id,
                      "summary": f"OpenSanctions {edge.schema} record" + (f" ({said})" if said else "") + "."}],
    }
    if edge.start:
        relation["start"] = edge.start
    else:
        relation["start_unknown"] = f"The {edge.schema} record gives no start date."
    if edge.end:
        relation["end"] = edge.end
    out.write("relations", relation)
    became[f"{edge.schema} → {rtype}"] += 1


# --- deltas ------------------------------------------------------------------------------

def _apply_delta(path: Path, into: Path) -> Path:
    """The previous import's entities with the delta's ADD, MOD and DEL applied, as a file
    beside the import (streamed: memory holds the delta, not the dataset)."""
    previous = into / SOURCE_FILE
    if not previous.is_file():
        raise ImportFailed(f"{path}: a delta applies to a previous import of the same dataset, and {into} holds "
                           "none; import the dataset's entities.ftm.json into that folder first")
    changes: dict[str, dict[str, Any] | None] = {}
    for number, data in _json_lines(path):
        if not isinstance(data, dict) or data.get("op") not in ("ADD", "MOD", "DEL") \
                or not isinstance(data.get("entity"), dict) or not isinstance(data["entity"].get("id"), str):
            raise ImportFailed(f"{path}:{number}: field 'op': a delta line is {{\"op\": \"ADD\"|\"MOD\"|\"DEL\", "
                               "\"entity\": {\"id\": ...}}")
        changes[data["entity"]["id"]] = None if data["op"] == "DEL" else data["entity"]
    merged = into.parent / f".{into.name}.delta-applied.ftm.tmp"
    with open(merged, "wb") as fh:
        for _, data in _json_lines(previous):
            if data.get("id") in changes:
                continue
            fh.write(orjson.dumps(data) + b"\n")
        for entity in changes.values():
            if entity is not None:
                fh.write(orjson.dumps(entity) + b"\n")
    os.utime(merged)
    return merged
