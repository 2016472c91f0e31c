"""`conflictgraph import opensanctions FILE`: sanctions from an OpenSanctions export.

The file is FollowTheMoney (FtM) entities as JSON Lines, as OpenSanctions publishes them
(`entities.ftm.json`), read with the `followthemoney` package's own model. Mapped:

    Sanction                      a SANCTIONS relation: the sanctioning state (the Sanction's
                                  `country`, matched by iso3166) -> the sanctioned entity, with
                                  `program`, the start and end dates, and evidence that locates the
                                  Sanction record (`record`: its entity id)
    Person                        an actor of kind person
    Organization, Company,        an actor of kind organization
    LegalEntity
    PublicBody                    an actor of kind government_agency

Only sanctioned entities become actors (the graph is of conflict actors, not of everything a
list mentions). Other schemata (addresses, identifications, vessels, ...) are counted and left
out. Entities are matched to the existing actors (graph/importers/matching.py): certain matches
reuse the actor's id, uncertain ones go to the review file. Ids are derived from the source
ids, so importing the same file again gives the same records.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson
from followthemoney import model
from followthemoney.exc import InvalidData

from ..dates import PartialDate
from ..models import Actor
from .common import ImportFailed, ImportReport, resolve_actor, slug
from .matching import Crosswalk
from .output import SeedFolder

KINDS = {"Person": "person", "Organization": "organization", "Company": "organization",
         "LegalEntity": "organization", "PublicBody": "government_agency"}
DATASET_URL = "https://data.opensanctions.org/datasets/{version}/{dataset}/entities.ftm.json"


__all__ = ["ImportFailed", "ImportReport", "import_file"]


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, entity dict); ImportFailed naming the line for bad bytes or bad JSON."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                raw.decode("utf-8")
                data = orjson.loads(raw.strip())
            except UnicodeDecodeError as e:
                raise ImportFailed(f"{path}:{number}: not UTF-8 ({e.reason} at byte {e.start}); "
                                   "OpenSanctions exports are UTF-8") from None
            except orjson.JSONDecodeError as e:
                raise ImportFailed(f"{path}:{number}: not a JSON object ({e})") from None
            if not isinstance(data, dict):
                raise ImportFailed(f"{path}:{number}: not a JSON object (an FtM entity per line)")
            yield number, data


def _proxy(path: Path, number: int, data: dict[str, Any]):
    where = f"{path}:{number}"
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
    text = value[:10]
    try:
        return str(PartialDate.parse(text))
    except ValueError as e:
        raise ImportFailed(f"{where}: {e}") from None


def import_file(path: Path, into: Path, existing: list[Actor], *, dataset: str = "default",
                version: str = "latest", progress: Callable[[int], None] | None = None) -> ImportReport:
    path = Path(path)
    crosswalk = Crosswalk(existing)
    document = f"doc-opensanctions-{slug(dataset)}-{slug(version)}"
    # Pass 1: the Sanctions, and which entities they are about.
    sanctions: list[tuple[int, Any]] = []
    skipped: Counter = Counter()
    for number, data in _lines(path):
        proxy = _proxy(path, number, data)
        if proxy.schema.name == "Sanction":
            if not proxy.first("entity"):
                raise ImportFailed(f"{path}:{number}: field 'properties.entity': a Sanction names its entity")
            sanctions.append((number, proxy))
        if progress:
            progress(number)
    targets = {p.first("entity") for _, p in sanctions}
    with SeedFolder(into) as out:
        report = ImportReport(out.counts, skipped)
        out.write("documents", {
            "id": document, "kind": "dataset", "title": f"OpenSanctions: {dataset} ({version})",
            "publisher": "OpenSanctions", "url": DATASET_URL.format(version=version, dataset=dataset),
            "held": False, "language": "en",
            "notes": "FollowTheMoney entities; evidence items locate the Sanction record by its entity id."})
        # Pass 2: the sanctioned entities, matched or added.
        actor_of: dict[str, str] = {}
        # Every line passed _proxy in pass 1: only the sanctioned parties are built again.
        for number, data in _lines(path):
            name = model.get(data["schema"]).name
            if name == "Sanction":
                continue
            if name not in KINDS:
                skipped[name] += 1
                continue
            if data["id"] not in targets:
                skipped[f"{name} (not sanctioned)"] += 1
                continue
            actor_of[data["id"]] = _actor(_proxy(path, number, data), crosswalk, out, report)
        # The relations, once every target has its actor.
        for number, proxy in sanctions:
            _sanction(path, number, proxy, actor_of, crosswalk, document, out)
    report.review = len(out.review)
    return report


def _actor(proxy, crosswalk: Crosswalk, out: SeedFolder, report: ImportReport) -> str:
    identifiers = {"opensanctions": proxy.id}
    if proxy.first("wikidataId"):
        identifiers["wikidata"] = proxy.first("wikidataId")
    names = proxy.get("name") + proxy.get("alias")
    kind = KINDS[proxy.schema.name]
    actor_id = f"os-{slug(proxy.first('name') or proxy.id)}-{hashlib.sha1(proxy.id.encode()).hexdigest()[:6]}"
    countries = [c.upper() for c in proxy.get("country") if len(c) == 2]
    record = {"id": actor_id, "name": proxy.first("name") or proxy.id, "kind": kind,
              "aliases": sorted(set(proxy.get("alias"))), "identifiers": identifiers}
    if countries:
        record["country"] = countries[0]
    return resolve_actor(proxy.id, record, names, crosswalk, out, report)


def _sanction(path: Path, number: int, proxy, actor_of: dict[str, str], crosswalk: Crosswalk,
              document: str, out: SeedFolder) -> None:
    where = f"{path}:{number}"
    target = actor_of.get(proxy.first("entity"))
    if target is None:
        raise ImportFailed(f"{where}: field 'properties.entity': {proxy.first('entity')!r} is not a Person, "
                           "Organization, Company, LegalEntity or PublicBody in this file")
    country = (proxy.first("country") or "").upper()
    state = crosswalk.by_identifier.get(f"iso3166:{country}".casefold()) if country else None
    if state is None:
        raise ImportFailed(f"{where}: field 'properties.country': {country or 'none'}: no actor of the seed set "
                           "has this iso3166 identifier, so the sanctioning state is unknown; add the state "
                           "(with identifiers {iso3166: ..}) to the seed first")
    authority, program = proxy.first("authority"), proxy.first("program")
    relation = {
        "id": f"os-{slug(proxy.id, 180)}", "type": "SANCTIONS", "source": state, "target": target,
        "confidence": "high", "status": "confirmed",
        "evidence": [{"document": document, "record": proxy.id,
                      "summary": f"Listed by {authority or country}" + (f" under {program}" if program else "")
                                 + " (OpenSanctions Sanction record)."}],
    }
    start = _date(proxy.first("startDate") or proxy.first("listingDate"), f"{where}: field 'properties.startDate'")
    end = _date(proxy.first("endDate"), f"{where}: field 'properties.endDate'")
    if start:
        relation["start"] = start
    else:
        relation["start_unknown"] = "The Sanction record gives no start or listing date."
    if end:
        relation["end"] = end
    if program:
        relation["properties"] = {"program": program}
    out.write("relations", relation)
