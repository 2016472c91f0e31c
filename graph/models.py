"""The domain records, as read from seed files and as stores return them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .dates import PartialDate


@dataclass
class Actor:
    id: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    description: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)


@dataclass
class Document:
    id: str
    title: str
    kind: str | None = None
    publisher: str | None = None
    date: PartialDate | None = None
    language: str | None = None
    url: str | None = None
    cites: list[str] = field(default_factory=list)
    archive_ref: str | None = None
    notes: str | None = None
    held: bool = True    # False: we keep no copy (cited from the public record; see url)
    # An editorial note's primary sources: paragraph -> the documents that paragraph relies on.
    sources: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class Evidence:
    document: str
    paragraph: int | None     # where in a text document; None when `record` locates it
    summary: str
    quote: str | None = None
    inference: bool = False   # our reading of the document, not something it states
    # Where in a dataset document: the source record's key (an FtM entity or statement id,
    # a UCDP row key), for evidence taken from a dataset rather than a text.
    record: str | None = None


@dataclass
class Relation:
    id: str
    type: str
    source: str
    target: str
    confidence: str
    status: str
    evidence: list[Evidence]
    start: PartialDate | None = None
    end: PartialDate | None = None
    attributed_to: str | None = None
    location: str | None = None
    notes: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)   # ids of the events the claim rests on
    # Why no source dates the start. Without `start`: the tie holds "since unknown". With it:
    # `start` is only the earliest date the sources allow (a bound), not when the tie began.
    start_unknown: str | None = None


@dataclass(frozen=True)
class Participant:
    actor: str
    role: str        # one of the event type's roles (ontology.yaml `event_types`)


@dataclass
class Event:
    """Something that happened on a date, at a place, with participants in roles."""
    id: str
    type: str
    date: PartialDate
    confidence: str
    status: str
    evidence: list[Evidence]
    participants: list[Participant] = field(default_factory=list)
    place: str | None = None
    country: str | None = None    # ISO 3166-1 alpha-2
    notes: str | None = None
    # What event datasets add (ontology.yaml, above event_types):
    date_end: PartialDate | None = None       # the last possible date, when known only within a range
    latitude: float | None = None
    longitude: float | None = None
    place_precision: str | None = None        # ontology event_place_precisions
    admin1: str | None = None
    admin2: str | None = None
    deaths: dict[str, int] = field(default_factory=dict)        # DEATH_ESTIMATES -> count
    identifiers: dict[str, str] = field(default_factory=dict)   # scheme -> value


# An event's death counts, as UCDP GED codes them (codebook 22.1, section 3: best, low, high;
# deaths_a, deaths_b, deaths_civilians, deaths_unknown, whose sum is best).
DEATH_ESTIMATES = ("best", "low", "high", "side_a", "side_b", "civilians", "unknown")


@dataclass
class Dataset:
    actors: list[Actor] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"actors": len(self.actors), "relations": len(self.relations),
                "documents": len(self.documents), "events": len(self.events)}

    def estimated_total(self) -> int:
        """Records a load writes: every node and relation, participations included."""
        return sum(self.counts().values()) + sum(len(e.participants) for e in self.events)

    def relation_batches(self, batch_size: int):
        """The same interface as a streamed SeedSet (graph.dataset), for stores to load."""
        for i in range(0, len(self.relations), batch_size):
            yield self.relations[i:i + batch_size]
