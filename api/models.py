"""The public JSON contract of the API: snake_case fields, ISO (partial) dates."""
from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Matching items in all pages.")
    limit: int
    offset: int


class Health(BaseModel):
    status: Literal["ok"]
    store: Literal["embedded", "neo4j"]
    actors: int
    relations: int
    documents: int
    events: int


# Examples from the Libya seed, so the docs show what the API really answers.
class Actor(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "kaniyat", "name": "Kaniyat militia", "kind": "armed_group",
        "aliases": ["al-Kaniyat", "al-Kani militia", "Kaniyat"], "country": "LY",
        "description": "Militia run by the al-Kani family; controlled Tarhuna until June 2020.",
        "identifiers": {}}]})
    id: str
    name: str | None
    kind: str | None
    aliases: list[str]
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    description: str | None
    identifiers: dict[str, str] = Field(description="External identifiers by scheme, e.g. wikidata.")


class SearchMatch(BaseModel):
    field: Literal["name", "alias", "identifier", "id"] = Field(description="Which value matched.")
    value: str = Field(description="The value that matched, as stored.")
    how: Literal["exact", "prefix", "tokens", "fuzzy"] = Field(
        description="exact: the value is the query; prefix: the value starts with it; tokens: every "
                    "query word starts a word of the value; fuzzy: some word only within a typo or two.")


class SearchHit(Actor):
    match: SearchMatch


class SearchResults(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "q": "kaniat", "terms": ["kaniat"], "complete": True,
        "items": [{"id": "kaniyat", "name": "Kaniyat militia", "kind": "armed_group",
                   "aliases": ["al-Kaniyat"], "country": "LY", "description": None, "identifiers": {},
                   "match": {"field": "name", "value": "Kaniyat militia", "how": "fuzzy"}}]}]})
    q: str
    terms: list[str] = Field(description="The query's words as compared: case folded, any script "
                                         "transliterated to ASCII.")
    complete: bool = Field(description="False when more actors matched than one search looks at "
                                       "(1,000): the best of those are shown; type more.")
    items: list[SearchHit] = Field(description="Best first.")


class ActorDetail(Actor):
    model_config = ConfigDict(json_schema_extra=None)   # the Actor example lacks the degree
    degree: dict[str, int] = Field(description="Number of relations of each type, either direction.")
    total_degree: int


class SubgraphNode(Actor):
    model_config = ConfigDict(json_schema_extra=None)
    distance: int = Field(description="Hops from the nearest seed (0 for a seed).")


class Document(BaseModel):
    id: str
    title: str | None
    kind: str | None
    publisher: str | None
    date: str | None = Field(description="Partial ISO date: YYYY, YYYY-MM or YYYY-MM-DD.")
    date_precision: Literal["year", "month", "day"] | None
    language: str | None
    url: str | None
    cites: list[str]
    archive_ref: str | None
    notes: str | None
    held: bool = Field(True, description="False: we keep no copy; the document is cited from the public "
                                         "record at its url.")
    sources: dict[str, list[str]] = Field(default_factory=dict, description=(
        "An editorial note's primary sources: paragraph number -> the ids of the documents it relies on."))


class Evidence(BaseModel):
    document: str
    paragraph: int | None = Field(None, description="Where in a text document (its non-empty lines counted "
                                                    "from 1); null when `record` locates the item.")
    record: str | None = Field(None, description="Where in a dataset document: the source record's key "
                                                 "(an FtM entity or statement id, a UCDP row key).")
    summary: str
    quote: str | None = None
    inference: bool = Field(False, description="Our reading of the document, not something it states.")


class ResolvedEvidence(BaseModel):
    document: Document
    paragraph: int | None = None
    record: str | None = None
    summary: str
    quote: str | None = None
    inference: bool = False


class Relation(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "ly-usa-sanctions-kaniyat-2020", "type": "SANCTIONS", "source": "usa", "target": "kaniyat",
        "directed": True, "start": "2020-11-25", "end": None, "start_precision": "day", "end_precision": None,
        "confidence": "high", "status": "confirmed", "attributed_to": "us-treasury", "location": None,
        "notes": None, "properties": {"program": "Global Magnitsky (E.O. 13818)",
                                      "measures": ["asset_freeze", "business_prohibition"]},
        "evidence": [{"document": "doc-6950a10e312c0b1f", "paragraph": 3,
                      "summary": "The United States unilaterally blacklisted the Kaniyat militia and its leader."}]}]})
    id: str
    type: str
    source: str
    target: str
    directed: bool = Field(description="False for symmetric types (stored once, either end may be source).")
    start: str | None = Field(description="Partial ISO date: YYYY, YYYY-MM or YYYY-MM-DD; null if unknown.")
    end: str | None = Field(description="Partial ISO date; null if ongoing or unknown.")
    start_precision: Literal["year", "month", "day"] | None
    end_precision: Literal["year", "month", "day"] | None
    start_unknown: str | None = Field(None, description=(
        "Why no source dates the start, when none does. Without a start the tie holds 'since unknown', not "
        "'always'; with one, the start is only the earliest date the sources allow (a bound)."))
    confidence: str
    status: str
    attributed_to: str | None
    location: str | None
    notes: str | None
    properties: dict[str, Any] = Field(description="The relation type's own properties.")
    evidence: list[Evidence]
    events: list[str] = Field(default_factory=list, description="Ids of the events the claim rests on (/events/{id}).")


class RelationDetail(Relation):
    model_config = ConfigDict(json_schema_extra=None)   # its evidence holds whole documents
    evidence: list[ResolvedEvidence]


class NamedRelation(Relation):
    source_name: str | None = Field(None, description="The source actor's name, for display.",
                                    examples=["United States"])
    target_name: str | None = Field(None, description="The target actor's name.", examples=["Kaniyat"])


class Participant(BaseModel):
    actor: str
    role: str = Field(description="One of the event type's roles (see /ontology), e.g. blocker, forum.")
    name: str | None = Field(None, description="The actor's name, for display.")


class Event(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "ev-ly-2020-11-20-blocked-listing", "type": "blocked_listing", "date": "2020-11-20",
        "date_precision": "day", "place": None, "country": None, "confidence": "high", "status": "reported",
        "notes": None, "participants": [{"actor": "russia", "role": "blocker", "name": "Russia"}],
        "evidence": [{"document": "doc-6950a10e312c0b1f", "paragraph": 13,
                      "summary": "The committee acts by consensus, and Russia said it could not approve the listings."}]}]})
    id: str
    type: str = Field(description="An event type of the ontology (/ontology event_types).")
    date: str = Field(description="Partial ISO date: YYYY, YYYY-MM or YYYY-MM-DD.")
    date_precision: Literal["year", "month", "day"]
    date_end: str | None = Field(None, description="The last possible date, when the date is known only within "
                                                   "a range (partial ISO date).")
    date_end_precision: Literal["year", "month", "day"] | None = None
    place: str | None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    admin1: str | None = Field(None, description="First-order administrative division (province, governorate).")
    admin2: str | None = Field(None, description="Second-order administrative division (district).")
    latitude: float | None = Field(None, description="Decimal degrees (WGS 84).")
    longitude: float | None = Field(None, description="Decimal degrees (WGS 84).")
    place_precision: str | None = Field(None, description="How exactly the coordinates place the event "
                                                          "(/ontology event_place_precisions).")
    confidence: str
    status: str
    notes: str | None
    deaths: dict[str, int] = Field(default_factory=dict, description="Death counts by estimate: best, low, high, "
                                   "side_a, side_b, civilians, unknown (as UCDP GED codes them); absent when not known.")
    identifiers: dict[str, str] = Field(default_factory=dict, description="The dataset's own ids, scheme -> value "
                                        "(e.g. ucdp_ged, ucdp_dyad, acled).")
    participants: list[Participant] = Field(description="Who took part, in which role (ordered by role, then id).")
    evidence: list[Evidence]


class EventDetail(Event):
    model_config = ConfigDict(json_schema_extra=None)   # its evidence holds whole documents
    evidence: list[ResolvedEvidence]
    relations: list[NamedRelation] = Field(description="The relations that cite this event.")


class EventBucket(BaseModel):
    period: str | None = Field(None, description="by=month: YYYY-MM, or YYYY for events dated only to a year.")
    row: int | None = Field(None, description="by=cell: floor(latitude / size).")
    col: int | None = Field(None, description="by=cell: floor(longitude / size).")
    south: float | None = Field(None, description="by=cell: the cell's southern edge (degrees).")
    west: float | None = Field(None, description="by=cell: the cell's western edge (degrees).")
    latitude: float | None = Field(None, description="by=cell: the mean latitude of its events.")
    longitude: float | None = Field(None, description="by=cell: the mean longitude of its events.")
    events: int
    deaths: int = Field(description="The sum of the events' best estimates (0 where none is given).")


class EventAggregate(BaseModel):
    by: Literal["month", "cell"]
    size: float | None = Field(description="by=cell: the cells' size in degrees.")
    events: int = Field(description="Events counted (by=cell: only those with coordinates).")
    deaths: int
    buckets: list[EventBucket]


class Path(BaseModel):
    actors: list[str] = Field(description="Actor ids in path order, from source to target.")
    names: list[str | None] = Field(description="The actors' names, in the same order.")
    relations: list[NamedRelation] = Field(description="relations[i] joins actors[i] and actors[i+1]; "
                                                  "each keeps its true direction.")
    length: int


class PathList(BaseModel):
    source: str
    target: str
    paths: list[Path]


class Subgraph(BaseModel):
    seeds: list[str]
    depth: int
    nodes: list[SubgraphNode]
    edges: list[Relation]
    events: list["Event"] = Field(default_factory=list, description=(
        "With events=true: the events the nodes took part in, each with its participants inside the subgraph "
        "(empty otherwise)."))


class PropertyDescription(BaseModel):
    name: str
    type: str
    required: bool
    values: list[str]
    description: str


class RelationTypeDescription(BaseModel):
    name: str
    directed: bool
    polarity: Literal[-1, 0, 1]
    description: str
    source_kinds: list[str]
    target_kinds: list[str]
    cameo: str | None
    plover: str | None
    properties: list[PropertyDescription]


class ActorKindDescription(BaseModel):
    name: str
    description: str


class Palette(BaseModel):
    actor_kinds: dict[str, str] = Field(description="Node colour (#rrggbb) per actor kind, as in the exports.",
                                        examples=[{"state": "#1f77b4", "armed_group": "#d62728"}])
    event: str = Field(description="Node colour of events, in exports that include them (events=true).",
                       examples=["#bcbd22"])
    polarity: dict[str, str] = Field(description="Edge colour per relation polarity: -1 hostile, 0 structural, "
                                                 "1 cooperative.",
                                     examples=[{"-1": "#d62728", "0": "#999999", "1": "#2ca02c"}])


class EventTypeDescription(BaseModel):
    name: str
    description: str
    roles: dict[str, str] = Field(description="Role -> what a participant in it does.")
    required_roles: list[str]
    acled: str | None = Field(description="The nearest ACLED event type / sub-event type, if any.")
    ucdp_ged: list[int] = Field(default_factory=list, description="The UCDP GED type_of_violence codes imported "
                                                                  "as this type (1 state-based, 2 non-state, 3 one-sided).")


class OntologyDescription(BaseModel):
    actor_kinds: list[ActorKindDescription]
    relation_types: list[RelationTypeDescription]
    event_types: list[EventTypeDescription]
    event_place_precisions: dict[str, str] = Field(default_factory=dict, description="How exactly an event's "
                                                   "coordinates place it: name -> meaning.")
    confidence_levels: list[str]
    statuses: list[str]
    palette: Palette


class CypherRequest(BaseModel):
    query: str = Field(min_length=1, max_length=20_000, description="One read-only Cypher statement.",
                       examples=["MATCH (a:Actor)-[:BACKS]->(b:Actor {id: $target}) RETURN a.id"])
    params: dict[str, Any] = Field(default_factory=dict, examples=[{"target": "haftar-forces"}])
    version: str | None = Field(None, max_length=40, description="A kept version's id (GET /versions): run the "
                                "query on the graph as it was then. Default: the current graph.")


class CypherResponse(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = Field(description="True when the server's row limit cut the result.")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None
    line: int | None = None
    column: int | None = None


def problem_response(description: str) -> dict[str, Any]:
    """An error response as documented in OpenAPI: problem+json, the Problem schema."""
    return {"model": Problem, "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


# --- analytics ---------------------------------------------------------------------------
class RankedActor(BaseModel):
    actor: str
    name: str | None
    kind: str | None
    score: float


class Centrality(BaseModel):
    metric: Literal["degree", "betweenness", "pagerank", "eigenvector"]
    ranking: list[RankedActor]
    relations_used: dict[str, int] = Field(description="Relations the result rests on, by type.")


class Triad(BaseModel):
    actors: list[str]
    signs: dict[str, Literal["+", "-"]] = Field(description="Sign of each pair, keyed 'a|b'.")
    pattern: str = Field(description="The three signs, sorted: +++, ++-, +--, ---.")
    balanced: bool
    relations: list[str]


class PredictedTie(BaseModel):
    actors: list[str]
    via: str
    rule: str
    predicted: Literal["+", "-"]
    signs: list[Literal["+", "-"]]


class AmbivalentPair(BaseModel):
    actors: list[str]
    relations: list[str]


class Balance(BaseModel):
    triads: list[Triad]
    triad_count: int
    balanced: int
    unbalanced: int
    balance_ratio: float | None = Field(description="Balanced share of closed triads; null without triads.")
    unbalanced_triads: list[Triad]
    predicted_missing_ties: list[PredictedTie] = Field(
        description="Ties the balance rules predict from open triads that the data does not show; "
                    "'enemy of my enemy is my friend' first.")
    ambivalent_pairs: list[AmbivalentPair] = Field(description="Pairs whose relations cancel out; left out.")
    relations_used: dict[str, int]


class Bloc(BaseModel):
    members: list[str]
    names: list[str | None]


class BetweenBlocs(BaseModel):
    blocs: list[int]
    positive: int
    negative: int


class Blocs(BaseModel):
    method: str
    blocs: list[Bloc]
    frustration: int = Field(description="Positive ties between blocs plus negative ties inside them.")
    frustrated_ties: list[list[str]]
    between_blocs: list[BetweenBlocs]
    unaligned: list[str] = Field(description="Actors without signed ties in the filtered graph.")
    ambivalent_pairs: list[AmbivalentPair]
    relations_used: dict[str, int]


class TimelineEvent(BaseModel):
    id: str
    type: str
    start: str | None
    end: str | None
    direction: Literal["out", "in"]
    other: str
    polarity: int
    confidence: str
    status: str


class SideChange(BaseModel):
    date: str
    left: str
    left_on: str
    joined: str
    relations: list[str]


class Timeline(BaseModel):
    actor: str
    events: list[TimelineEvent]
    side_changes: list[SideChange]
    relations_used: dict[str, int]
