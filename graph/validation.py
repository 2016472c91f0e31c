"""Checks seed records against the ontology and builds the domain records.

Every problem names the file, the record (section, index, id) and the field, so a
reviewer can go straight to it. Nothing is built unless everything is valid.
"""
from __future__ import annotations

import difflib
import re
import reprlib
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from .dates import PartialDate, parse_date
from .models import DEATH_ESTIMATES, Actor, Document, Event, Evidence, Participant, Relation
from .ontology import Ontology
from .text_rules import FORBIDDEN
from .text_rules import problem as text_problem

# Matched whole (fullmatch: "$" would also accept a trailing newline), at most 200 characters.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,199}")
# Longer texts are refused: seed text is read by people (the longest quote in the Libya seed
# is under 400 characters); a 10 MB value is a mistake or an attack.
MAX_TEXT = 20_000
MAX_QUOTE_WORDS = 25

ACTOR_FIELDS = {"id", "name", "kind", "aliases", "country", "description", "identifiers"}
DOCUMENT_FIELDS = {"id", "title", "kind", "publisher", "date", "language", "url", "cites",
                   "archive_ref", "notes", "held", "sources"}
RELATION_FIELDS = {"id", "type", "source", "target", "start", "end", "confidence", "status",
                   "attributed_to", "location", "notes", "properties", "evidence", "events", "start_unknown"}
EVENT_FIELDS = {"id", "type", "date", "place", "country", "participants", "confidence", "status",
                "evidence", "notes", "date_end", "latitude", "longitude", "place_precision", "admin1", "admin2",
                "deaths", "identifiers"}
PARTICIPANT_FIELDS = {"actor", "role"}
EVIDENCE_FIELDS = {"document", "paragraph", "record", "summary", "quote", "inference"}


@dataclass(frozen=True)
class Problem:
    file: str
    section: str | None
    index: int | None
    field: str | None
    message: str
    record_id: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.section is not None and self.index is not None:
            where += f": {self.section}[{self.index}]"
            if self.record_id:
                where += f" (id {quoted(self.record_id)})"
        if self.field:
            where += f": field {quoted(self.field)}"
        return f"{where}: {self.message}"




def did_you_mean(value, choices: Iterable[str]) -> str:
    if not isinstance(value, str) or len(value) > 200:
        return ""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" — did you mean {close[0]!r}?" if close else ""


# Values quoted in messages are rendered to a bounded depth and width: a YAML alias bomb
# (a list of lists of aliases) expands to billions of items when printed whole.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxlong, _REPR.maxother = 3, 80, 40, 80
_REPR.maxtuple = _REPR.maxlist = _REPR.maxdict = _REPR.maxset = 6


def _short(value, limit: int = 80) -> str:
    """A value as quoted in a message: never the whole of a huge one."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + f"... ({len(value):,} characters)"
    text = _REPR.repr(value)   # bounded already, but its width grows with the nesting
    return text if len(text) <= 2 * limit else text[:2 * limit] + "..."


def quoted(value) -> str:
    """A value quoted in a message, bounded: repr() of a short one, a summary of a long one."""
    return repr(_short(value)) if isinstance(value, str) else _short(value)


class _Checker:
    """Collects problems for one record."""

    def __init__(self, rec, problems: list[Problem], warnings: list[Problem] | None = None):
        self.rec = rec
        self.problems = problems
        self.warnings = warnings if warnings is not None else []
        data = rec.data if isinstance(rec.data, dict) else {}
        rid = data.get("id")
        self.record_id = rid if isinstance(rid, str) else None
        self.ok = True

    def error(self, field: str | None, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.rec.file, self.rec.section, self.rec.index, field,
                                     message, self.record_id))

    def warn(self, field: str | None, message: str) -> None:
        """Something a curator should see that does not stop a load (an error under --strict)."""
        self.warnings.append(Problem(self.rec.file, self.rec.section, self.rec.index, field,
                                     message, self.record_id))

    def flag(self, data: dict, field: str, prefix: str = "") -> bool | None:
        value = data.get(field)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.error(prefix + field, f"must be true or false, got {quoted(value)}")
            return None
        return value

    def unknown_fields(self, data: dict, allowed: set[str], prefix: str = "") -> None:
        for key in data:
            if key not in allowed:
                self.error(f"{prefix}{key}", f"unknown field{did_you_mean(key, allowed)}"
                           f" (allowed: {', '.join(sorted(allowed))})")

    def text(self, data: dict, field: str, required: bool = False, prefix: str = "") -> str | None:
        value = data.get(field)
        if value is None or value == "":
            if required:
                self.error(prefix + field, "is required")
            return None
        if not isinstance(value, str):
            self.error(prefix + field, f"must be text, got {type(value).__name__} {_short(value)}")
            return None
        if len(value) > MAX_TEXT:
            self.error(prefix + field, f"is {len(value):,} characters long; at most {MAX_TEXT:,}")
            return None
        if (why := text_problem(value)) is not None:
            self.error(prefix + field, why)
            return None
        return value

    def text_list(self, data: dict, field: str) -> list[str]:
        value = data.get(field)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.error(field, "must be a list of non-empty texts")
            return []
        for i, item in enumerate(value):
            if (why := text_problem(item)) is not None:
                self.error(f"{field}[{i}]", why)
                return []
        return value

    def date(self, data: dict, field: str) -> PartialDate | None:
        value = data.get(field)
        if value is None:
            return None
        if not isinstance(value, str):
            # YAML reads an unquoted 2020-11-25 as a date and 2020 as an int.
            self.error(field, f"must be a quoted date string like \"2020-11-25\", got {quoted(value)}")
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as e:
            self.error(field, str(e))
            return None

    def identifier(self, data: dict) -> str | None:
        rid = self.text(data, "id", required=True)
        if rid is not None and not ID_PATTERN.fullmatch(rid):
            self.error("id", f"{quoted(rid)} is not a valid id: use lower-case letters, digits, '-', '.', '_' "
                             "(at most 200 characters)")
            return None
        return rid


def _check_actor(c: _Checker, data: dict, ontology: Ontology) -> Actor | None:
    c.unknown_fields(data, ACTOR_FIELDS)
    rid = c.identifier(data)
    name = c.text(data, "name", required=True)
    kind = c.text(data, "kind", required=True)
    if kind is not None and kind not in ontology.actor_kinds:
        c.error("kind", f"unknown actor kind {quoted(kind)}{did_you_mean(kind, ontology.actor_kinds)}"
                f" (kinds: {', '.join(ontology.actor_kinds)})")
    aliases = c.text_list(data, "aliases")
    country = _check_country(c, data)
    identifiers = _check_identifiers(c, data, "{wikidata: Q159}")
    if not c.ok:
        return None
    return Actor(rid, name, kind, aliases, country, c.text(data, "description"), identifiers)


def _check_identifiers(c: _Checker, data: dict, example: str) -> dict[str, str]:
    identifiers = data.get("identifiers") or {}
    if not isinstance(identifiers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in identifiers.items()):
        c.error("identifiers", f"must be a mapping of scheme to text, e.g. {example}")
        return {}
    for scheme, value in identifiers.items():
        if (why := text_problem(f"{scheme}{value}")) is not None:
            c.error(f"identifiers.{scheme}", why)
    return identifiers


def _check_document(c: _Checker, data: dict) -> Document | None:
    c.unknown_fields(data, DOCUMENT_FIELDS)
    rid = c.identifier(data)
    title = c.text(data, "title", required=True)
    d = c.date(data, "date")
    cites = c.text_list(data, "cites")
    fields = {f: c.text(data, f) for f in ("kind", "publisher", "language", "url", "archive_ref", "notes")}
    held = c.flag(data, "held")
    sources = _check_sources(c, data.get("sources"))
    if not c.ok:
        return None
    return Document(rid, title, date=d, cites=cites, held=True if held is None else held, sources=sources,
                    **fields)


def _check_sources(c: _Checker, value) -> dict[int, list[str]]:
    """An editorial note's `sources`: {paragraph number: document id or list of ids}."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.error("sources", "must map paragraph numbers to the ids of the documents each relies on")
        return {}
    out = {}
    for para, ids in value.items():
        where = f"sources.{para}"
        if not isinstance(para, int) or isinstance(para, bool) or para < 1:
            c.error(where, f"{quoted(para)} is not a paragraph number ≥ 1")
            continue
        ids = [ids] if isinstance(ids, str) else ids
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
            c.error(where, "must be a document id or a non-empty list of document ids")
            continue
        out[para] = list(ids)
    return out


def _check_property(c: _Checker, spec, value, actor_ids) -> None:
    field = f"properties.{spec.name}"
    if spec.type == "string":
        if not isinstance(value, str):
            c.error(field, f"must be text, got {quoted(value)}")
        elif (why := text_problem(value)) is not None:
            c.error(field, why)
    elif spec.type == "enum":
        if value not in spec.values:
            c.error(field, f"{quoted(value)} is not one of {', '.join(spec.values)}")
    elif spec.type == "actor_ref":
        if not isinstance(value, str) or value not in actor_ids:
            c.error(field, f"unknown actor {quoted(value)}{did_you_mean(value, actor_ids)}")
    else:  # list types
        if not isinstance(value, list) or not value:
            c.error(field, "must be a non-empty list")
            return
        for item in value:
            if spec.type == "enum_list" and item not in spec.values:
                c.error(field, f"{quoted(item)} is not one of {', '.join(spec.values)}"
                        f"{did_you_mean(item, spec.values)}")
            elif spec.type == "actor_ref_list" and (not isinstance(item, str) or item not in actor_ids):
                c.error(field, f"unknown actor {quoted(item)}{did_you_mean(item, actor_ids)}")


def _mappings(c: _Checker, items, field: str, noun: str, listed: str, keys: str, allowed: set[str]):
    """(index, prefix, item) for each mapping of the non-empty list `items` under `field`
    (evidence, participants); anything else is reported there."""
    if not isinstance(items, list) or not items:
        c.error(field, f"at least one {noun} ({listed}) is required")
        return
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            c.error(f"{field}[{i}]", f"must be a mapping with {keys}")
            continue
        c.unknown_fields(item, allowed, f"{field}[{i}].")
        yield i, f"{field}[{i}].", item


def _check_evidence(c: _Checker, items, document_ids) -> list[Evidence]:
    out = []
    for i, prefix, item in _mappings(c, items, "evidence", "evidence item", "document, paragraph, summary",
                                     "document, paragraph, summary", EVIDENCE_FIELDS):
        doc = c.text(item, "document", required=True, prefix=prefix)
        if doc is not None and doc not in document_ids:
            c.error(prefix + "document", f"unknown document {quoted(doc)}{did_you_mean(doc, document_ids)}")
        para, record = item.get("paragraph"), c.text(item, "record", prefix=prefix)
        if record is not None and para is not None:
            c.error(prefix + "record", "locate the item by paragraph (a text) or by record (a dataset), not both")
        elif record is not None and len(record) > 500:
            c.error(prefix + "record", f"is {len(record):,} characters long; a record key has at most 500")
        elif record is None and (not isinstance(para, int) or isinstance(para, bool) or para < 1):
            c.error(prefix + "paragraph", f"must be a paragraph number ≥ 1, got {quoted(para)}"
                    + (" (or give the dataset record's key as `record`)" if para is None else ""))
        summary = c.text(item, "summary", required=True, prefix=prefix)
        quote = c.text(item, "quote", prefix=prefix)
        if quote is not None and len(quote.split()) > MAX_QUOTE_WORDS:
            c.error(prefix + "quote", f"quotes are limited to {MAX_QUOTE_WORDS} words "
                    f"(this one has {len(quote.split())}); summarise in our own words instead")
        inference = c.flag(item, "inference", prefix)
        out.append(Evidence(doc, None if record is not None else para, summary, quote, bool(inference), record))
    return out


def _check_sourcing(c: _Checker, evidence: list[Evidence], confidence, status, ontology: Ontology,
                    editorial: dict[str, dict[int, list[str]]]) -> None:
    """The sourcing rule (ontology.yaml `sourcing`): see the ontology for its terms."""
    rule = ontology.sourcing
    for i, e in enumerate(evidence):
        if e.document in editorial and e.record is not None:
            c.error(f"evidence[{i}].record", f"{quoted(e.document)} is an editorial note: cite its paragraph, "
                                             "whose sources it names")
        elif e.document in editorial and isinstance(e.paragraph, int) and e.paragraph not in editorial[e.document]:
            c.error(f"evidence[{i}].paragraph",
                    f"{quoted(e.document)} is an editorial note, and its paragraph {e.paragraph} names no "
                    f"primary source: list the documents it relies on under that document's "
                    f"`sources: {{{e.paragraph}: [...]}}`")
    if not c.ok or any(e.document not in editorial and not e.inference for e in evidence):
        return   # a citation that locates nothing is the problem to fix first
    levels = ontology.confidence_levels
    too_strong = (status not in rule.unsourced_statuses or
                  (confidence in levels and levels.index(confidence) > levels.index(rule.unsourced_max_confidence)))
    what = "no evidence item states this claim: its only support is editorial or an inference"
    if too_strong:
        c.error("status", f"{what}, so it can be at most {' or '.join(sorted(rule.unsourced_statuses))} "
                          f"with {rule.unsourced_max_confidence} confidence (it is {status}, {confidence}); "
                          "cite a document that states it")
    else:
        c.warn("evidence", f"{what} (a document that states it would make it citable)")


def _check_grading(c: _Checker, data: dict, ontology: Ontology) -> tuple[str | None, str | None]:
    """A claim's confidence and status, from the ontology's vocabularies."""
    confidence = c.text(data, "confidence", required=True)
    if confidence is not None and confidence not in ontology.confidence_levels:
        c.error("confidence", f"{quoted(confidence)} is not one of {', '.join(ontology.confidence_levels)}")
    status = c.text(data, "status", required=True)
    if status is not None and status not in ontology.statuses:
        c.error("status", f"{quoted(status)} is not one of {', '.join(ontology.statuses)}"
                f"{did_you_mean(status, ontology.statuses)}")
    return confidence, status


def _check_country(c: _Checker, data: dict) -> str | None:
    country = c.text(data, "country")
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        c.error("country", f"{quoted(country)} is not an ISO 3166-1 alpha-2 code (e.g. LY, US)")
    return country


def _check_event(c: _Checker, data: dict, ontology: Ontology, actors: dict[str, Actor],
                 document_ids: set[str], editorial: dict[str, dict[int, list[str]]]) -> Event | None:
    c.unknown_fields(data, EVENT_FIELDS)
    rid = c.identifier(data)
    if rid is not None and rid in actors:
        c.error("id", f"{quoted(rid)} is an actor's id too; an event needs an id of its own "
                      "(exports put actors and events in one set of nodes)")
    type_name = c.text(data, "type", required=True)
    etype = ontology.event_types.get(type_name) if type_name else None
    if type_name is not None and etype is None:
        c.error("type", f"unknown event type {quoted(type_name)}{did_you_mean(type_name, ontology.event_types)}"
                f" (types: {', '.join(ontology.event_types)})")
    when = c.date(data, "date")
    if when is None and data.get("date") is None:
        c.error("date", "is required: when it happened, as YYYY, YYYY-MM or YYYY-MM-DD")
    place, country, notes = c.text(data, "place"), _check_country(c, data), c.text(data, "notes")
    date_end = c.date(data, "date_end")
    if when is not None and date_end is not None and date_end.latest() < when.earliest():
        c.error("date_end", f"{date_end} is before the event's date {when}; date_end is the last possible date")
    latitude, longitude = _check_coordinate(c, data, "latitude", 90), _check_coordinate(c, data, "longitude", 180)
    if (data.get("latitude") is None) != (data.get("longitude") is None):
        c.error("latitude" if data.get("latitude") is None else "longitude",
                "give both latitude and longitude, or neither")
    place_precision = c.text(data, "place_precision")
    if place_precision is not None and place_precision not in ontology.event_place_precisions:
        c.error("place_precision", f"{quoted(place_precision)} is not one of "
                                   f"{', '.join(ontology.event_place_precisions)}")
    deaths = _check_deaths(c, data.get("deaths"))
    identifiers = _check_identifiers(c, data, "{ucdp_ged: '244424'}")
    confidence, status = _check_grading(c, data, ontology)
    participants = _check_participants(c, data.get("participants"), etype, actors)
    evidence = _check_evidence(c, data.get("evidence"), document_ids)
    if c.ok:
        _check_sourcing(c, evidence, confidence, status, ontology, editorial)
    if not c.ok:
        return None
    return Event(rid, type_name, when, confidence, status, evidence, participants, place, country, notes,
                 date_end, latitude, longitude, place_precision, c.text(data, "admin1"), c.text(data, "admin2"),
                 deaths, identifiers)


def _check_coordinate(c: _Checker, data: dict, field: str, bound: int) -> float | None:
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        c.error(field, f"must be a number of decimal degrees, got {quoted(value)}")
        return None
    if not -bound <= value <= bound:
        c.error(field, f"{value} is outside -{bound}..{bound} decimal degrees")
        return None
    return float(value)


def _check_deaths(c: _Checker, value) -> dict[str, int]:
    """Death counts as UCDP GED codes them (models.DEATH_ESTIMATES): whole numbers, low <= best <= high."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.error("deaths", f"must be a mapping of estimate to count, e.g. {{best: 7, low: 5, high: 9}}")
        return {}
    out = {}
    for key, count in value.items():
        if key not in DEATH_ESTIMATES:
            c.error(f"deaths.{key}", f"unknown estimate{did_you_mean(str(key), DEATH_ESTIMATES)} "
                                     f"(estimates: {', '.join(DEATH_ESTIMATES)})")
        elif isinstance(count, bool) or not isinstance(count, int) or count < 0:
            c.error(f"deaths.{key}", f"must be a whole number of deaths, 0 or more, got {quoted(count)}")
        else:
            out[key] = count
    best = out.get("best")
    if best is not None and out.get("low") is not None and out["low"] > best:
        c.error("deaths.low", f"{out['low']} is more than the best estimate {best}")
    if best is not None and out.get("high") is not None and out["high"] < best:
        c.error("deaths.high", f"{out['high']} is less than the best estimate {best}")
    return out


def _check_participants(c: _Checker, items, etype, actors: dict[str, Actor]) -> list[Participant]:
    out: list[Participant] = []
    for i, prefix, item in _mappings(c, items, "participants", "participant", "actor, role", "actor and role",
                                     PARTICIPANT_FIELDS):
        actor, role = c.text(item, "actor", required=True, prefix=prefix), c.text(item, "role", required=True, prefix=prefix)
        if actor is not None and actor not in actors:
            c.error(prefix + "actor", f"unknown actor {quoted(actor)}{did_you_mean(actor, actors)}")
        if role is not None and etype is not None and role not in etype.roles:
            c.error(prefix + "role", f"{quoted(role)} is not a role in a {etype.name} event"
                    f"{did_you_mean(role, etype.roles)} (roles: {', '.join(etype.roles)})")
        if actor is not None and role is not None:
            if Participant(actor, role) in out:
                c.error(f"participants[{i}]", f"{quoted(actor)} is already a {role} of this event")
            out.append(Participant(actor, role))
    if etype is not None and c.ok:
        missing = [r for r in etype.required_roles if r not in {p.role for p in out}]
        if missing:
            c.error("participants", f"a {etype.name} event needs a participant as {', '.join(missing)}")
    return out


def _check_relation(c: _Checker, data: dict, ontology: Ontology, actors: dict[str, Actor],
                    document_ids: set[str], editorial: dict[str, dict[int, list[str]]],
                    event_ids: set[str] = frozenset()) -> Relation | None:
    c.unknown_fields(data, RELATION_FIELDS)
    rid = c.identifier(data)
    rtype_name = c.text(data, "type", required=True)
    rtype = ontology.relation_type(rtype_name) if rtype_name else None
    if rtype_name is not None and rtype is None:
        c.error("type", f"unknown relation type {quoted(rtype_name)}{did_you_mean(rtype_name, ontology.relation_types)}"
                f" (types: {', '.join(ontology.relation_types)})")
    ends = {}
    for end in ("source", "target"):
        aid = c.text(data, end, required=True)
        if aid is not None and aid not in actors:
            c.error(end, f"unknown actor {quoted(aid)}{did_you_mean(aid, actors)}")
            aid = None
        ends[end] = aid
    source, target = ends["source"], ends["target"]
    if source is not None and source == target:
        c.error("target", f"a relation cannot join an actor to itself (source and target are both {quoted(source)})")
    if rtype is not None:
        for end, allowed in (("source", rtype.source_kinds), ("target", rtype.target_kinds)):
            aid = ends[end]
            if aid is not None and actors[aid].kind and actors[aid].kind not in allowed:
                kind = actors[aid].kind
                article = "an" if kind[0] in "aeiou" else "a"
                c.error(end, f"{rtype.name} cannot have {article} {kind} ({quoted(aid)}) as {end}; "
                        f"allowed kinds: {', '.join(sorted(allowed))}")
    start, end_ = c.date(data, "start"), c.date(data, "end")
    if start is not None and end_ is not None and end_.latest() < start.earliest():
        c.error("end", f"ends ({end_}) before it starts ({start})")
    start_unknown = c.text(data, "start_unknown")
    if start_unknown is None and data.get("start_unknown") is not None and c.ok:
        c.error("start_unknown", "give the reason no source dates the start, as text")
    confidence, status = _check_grading(c, data, ontology)
    attributed = c.text(data, "attributed_to")
    if attributed is not None and attributed not in actors:
        c.error("attributed_to", f"unknown actor {quoted(attributed)}{did_you_mean(attributed, actors)}")
    props = data.get("properties") or {}
    if not isinstance(props, dict):
        c.error("properties", "must be a mapping")
        props = {}
    if rtype is not None:
        for pname, value in props.items():
            spec = rtype.properties.get(pname)
            if spec is None:
                allowed = ", ".join(rtype.properties) or "none"
                c.error(f"properties.{pname}", f"not a property of {rtype.name}"
                        f"{did_you_mean(pname, rtype.properties)} (allowed: {allowed})")
            else:
                _check_property(c, spec, value, actors)
        for spec in rtype.properties.values():
            if spec.required and spec.name not in props:
                c.error(f"properties.{spec.name}", f"is required for {rtype.name}")
    evidence = _check_evidence(c, data.get("evidence"), document_ids)
    location, notes = c.text(data, "location"), c.text(data, "notes")
    events = c.text_list(data, "events")
    for i, e in enumerate(events):
        if e not in event_ids:
            c.error(f"events[{i}]", f"unknown event {quoted(e)}{did_you_mean(e, event_ids)}")
    if len(set(events)) != len(events):
        c.error("events", "names an event twice")
    if c.ok:
        _check_sourcing(c, evidence, confidence, status, ontology, editorial)
    if not c.ok:
        return None
    return Relation(rid, rtype_name, source, target, confidence, status, evidence, start, end_,
                    attributed, location, notes, dict(props), list(events), start_unknown)


class FastRelationCheck:
    """A yes/no version of _check_relation for the common, valid case (about 3x faster):
    returns the Relation, or None for anything it does not accept outright. It needs only
    the actors' kinds and the document ids, so loader worker processes can run it too."""

    def __init__(self, ontology: Ontology, actor_kinds: dict[str, str], documents: set[str],
                 events: set[str] = frozenset()):
        self.types = ontology.relation_types
        self.actors, self.documents, self.events = actor_kinds, documents, events
        self.confidence, self.status = frozenset(ontology.confidence_levels), frozenset(ontology.statuses)
        self.values = {(t, p): frozenset(spec.values) for t, rt in self.types.items()
                       for p, spec in rt.properties.items()}
        self.required = {t: [p for p, spec in rt.properties.items() if spec.required] for t, rt in self.types.items()}

    def _props(self, rtype, rt, props) -> bool:
        for name, value in props.items():
            spec = rt.properties.get(name)
            if spec is None:
                return False
            kind = spec.type
            if kind == "string":
                if type(value) is not str or FORBIDDEN.search(value):
                    return False
            elif kind == "enum":
                if value not in self.values[(rtype, name)]:
                    return False
            elif kind == "actor_ref":
                if type(value) is not str or value not in self.actors:
                    return False
            elif type(value) is not list or not value:
                return False
            elif kind == "enum_list":
                allowed = self.values[(rtype, name)]
                if not all(type(v) is str and v in allowed for v in value):
                    return False
            elif kind == "actor_ref_list":
                if not all(type(v) is str and v in self.actors for v in value):
                    return False
        return all(p in props for p in self.required[rtype])

    def _evidence(self, items) -> list[Evidence] | None:
        if type(items) is not list or not items:
            return None
        out = []
        for e in items:
            # An inference, or a document missing from `documents` (editorial notes are left
            # out on purpose), goes to the full check, which applies the sourcing rule.
            if type(e) is not dict or not e.keys() <= EVIDENCE_FIELDS or "inference" in e:
                return None
            doc, para, summary, quote = e.get("document"), e.get("paragraph"), e.get("summary"), e.get("quote")
            record = e.get("record")
            if record is not None:   # a dataset's record locates it instead of a paragraph
                if para is not None or type(record) is not str or not record or len(record) > 500:
                    return None
                para = 1   # for the check below only
            if (type(doc) is not str or doc not in self.documents or type(para) is not int or para < 1 or type(summary) is not str
                    or not summary or (quote is not None and (type(quote) is not str or not quote
                                                              or len(quote.split()) > MAX_QUOTE_WORDS))):
                return None
            if FORBIDDEN.search(summary) or (quote and FORBIDDEN.search(quote)) or (record and FORBIDDEN.search(record)):
                return None   # the text rule (graph/text_rules.py): the full check names the character
            out.append(Evidence(doc, None if record is not None else para, summary, quote, False, record))
        return out

    def __call__(self, data) -> Relation | None:
        try:
            return self._check(data)
        except TypeError:  # an unhashable value where an id belongs, say: the full check explains
            return None

    def _check(self, data) -> Relation | None:
        if type(data) is not dict or not data.keys() <= RELATION_FIELDS:
            return None
        get = data.get
        rid, rtype, s, t = get("id"), get("type"), get("source"), get("target")
        rt = self.types.get(rtype)
        if rt is None or type(rid) is not str or not ID_PATTERN.fullmatch(rid) or s == t:
            return None
        confidence, status = get("confidence"), get("status")
        if (self.actors.get(s) not in rt.source_kinds or self.actors.get(t) not in rt.target_kinds
                or confidence not in self.confidence or status not in self.status):
            return None
        start, end = get("start"), get("end")
        try:
            # The cached parser: an unhashable value raises TypeError, handled by the caller.
            start = parse_date(start) if start is not None else None
            end = parse_date(end) if end is not None else None
        except ValueError:
            return None
        if start is not None and end is not None and end.latest() < start.earliest():
            return None
        attributed, location, notes = get("attributed_to"), get("location"), get("notes")
        if attributed is not None and (type(attributed) is not str or attributed not in self.actors):
            return None
        if (location is not None and (type(location) is not str or not location or FORBIDDEN.search(location))) or \
                (notes is not None and (type(notes) is not str or not notes or FORBIDDEN.search(notes))):
            return None
        props = get("properties") or {}
        if type(props) is not dict or not self._props(rtype, rt, props):
            return None
        evidence = self._evidence(get("evidence"))
        if evidence is None:
            return None
        events = get("events") or []
        if (type(events) is not list or not all(type(e) is str and e in self.events for e in events)
                or len(set(events)) != len(events)):
            return None
        start_unknown = get("start_unknown")
        if start_unknown is not None and (type(start_unknown) is not str or not start_unknown
                                          or len(start_unknown) > MAX_TEXT or FORBIDDEN.search(start_unknown)):
            return None
        return Relation(rid, rtype, s, t, confidence, status, evidence, start, end,
                        attributed, location, notes, dict(props), list(events), start_unknown)


class RecordValidator:
    """Checks records section by section: documents and actors first (they are what
    relations refer to), then relations one at a time, so a large relation file can be
    validated as a stream. Problems accumulate in `problems`."""

    def __init__(self, ontology: Ontology):
        self.ontology = ontology
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []     # what a curator should see; errors under --strict
        self.documents: dict[str, Document] = {}
        self._editorial: dict[str, dict[int, list[str]]] = {}   # editorial note id -> its sources
        self.actors: dict[str, Actor] = {}
        self._declared_actors: dict[str, Actor] = {}
        self._declared_docs: set[str] = set()
        self._seen_relations: dict[str, tuple[str, int]] = {}
        self.events: dict[str, Event] = {}
        self._declared_events: set[str] = set()

    def _unique(self, records: Iterable, section: str, seen: dict, build) -> Iterator[Any]:
        for rec in records:
            c = _Checker(rec, self.problems, self.warnings)
            if not isinstance(rec.data, dict):
                c.error(None, "must be a mapping of fields")
                continue
            rid = c.record_id
            if rid is not None and rid in seen:
                f, i = seen[rid]
                c.error("id", f"duplicate id {quoted(rid)} (first defined in {f}: {section}[{i}])")
                continue
            if rid is not None:
                seen[rid] = (rec.file, rec.index)
            item = build(c, rec.data)
            if item is not None:
                yield item

    def check_entities(self, documents: list, actors: list) -> None:
        self.documents = {d.id: d for d in self._unique(documents, "documents", {}, _check_document)}
        self.actors = {a.id: a for a in self._unique(actors, "actors", {},
                                                     lambda c, d: _check_actor(c, d, self.ontology))}
        # Relations are checked against every declared id, so one bad actor record does not
        # also report each of its relations as pointing at an unknown actor.
        for r in actors:
            if isinstance(r.data, dict) and isinstance(r.data.get("id"), str):
                self._declared_actors[r.data["id"]] = self.actors.get(r.data["id"]) or Actor(r.data["id"], "", "")
        self._check_sources(documents)
        self._declared_docs = {r.data["id"] for r in documents
                               if isinstance(r.data, dict) and isinstance(r.data.get("id"), str)}

    def _check_sources(self, records: list) -> None:
        """Editorial notes name registered primary sources (never another note); only they do."""
        editorial_kinds = self.ontology.sourcing.editorial_kinds
        for rec in records:
            doc = self.documents.get(rec.data.get("id")) if isinstance(rec.data, dict) else None
            if doc is None:
                continue
            c = _Checker(rec, self.problems, self.warnings)
            if doc.kind not in editorial_kinds:
                if doc.sources:
                    c.error("sources", f"only editorial notes ({', '.join(sorted(editorial_kinds))}) name "
                                       "sources; a document that states a claim is cited directly")
                continue
            self._editorial[doc.id] = doc.sources
            for para, ids in doc.sources.items():
                for i in ids:
                    cited = self.documents.get(i)
                    if cited is None:
                        c.error(f"sources.{para}", f"unknown document {quoted(i)}{did_you_mean(i, self.documents)}")
                    elif cited.kind in editorial_kinds:
                        c.error(f"sources.{para}", f"{quoted(i)} is itself an editorial note; name the primary source")

    def check_events(self, events: list) -> None:
        """Events, after the documents and actors they refer to; relations may cite them."""
        self.events = {e.id: e for e in self._unique(
            events, "events", {}, lambda c, d: _check_event(c, d, self.ontology, self._declared_actors,
                                                            self._declared_docs, self._editorial))}
        self._declared_events = {r.data["id"] for r in events
                                 if isinstance(r.data, dict) and isinstance(r.data.get("id"), str)}

    def fast_check_inputs(self) -> tuple[dict[str, str], set[str], set[str]]:
        """What a FastRelationCheck needs: each declared actor's kind ('' for an actor
        record with problems, which no relation type accepts), the ids of the documents
        it may accept evidence from (editorial notes left out: their evidence takes the full
        check, which applies the sourcing rule) and the declared events' ids."""
        return ({a: actor.kind for a, actor in self._declared_actors.items()},
                self._declared_docs - set(self._editorial), set(self._declared_events))

    def reset_relations(self) -> None:
        self._seen_relations.clear()

    def check_relations(self, records: Iterable) -> Iterator[Relation]:
        """The valid relations among `records`, as they are read.

        Most records of a large set are valid, so each first goes through a fast check that
        only says yes or no; a record it does not accept goes through the full checks,
        which say exactly what is wrong."""
        fast = FastRelationCheck(self.ontology, *self.fast_check_inputs())
        seen = self._seen_relations
        for rec in records:
            rel = fast(rec.data)
            if rel is None or rel.id in seen:
                yield from self.check_relations_fully([rec])
                continue
            seen[rel.id] = (rec.file, rec.index)
            yield rel

    def check_relations_fully(self, records: Iterable) -> Iterator[Relation]:
        """The valid relations among `records`, each through every check (no fast path)."""
        yield from self._unique(records, "relations", self._seen_relations,
                                lambda c, d: _check_relation(c, d, self.ontology, self._declared_actors,
                                                             self._declared_docs, self._editorial,
                                                             self._declared_events))
