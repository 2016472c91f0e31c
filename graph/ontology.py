"""The ontology (actor kinds, relation types, polarity, properties), read from YAML.

Everything that needs to know what a BACKS relation is asks this module; the YAML file
is the single definition.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .cypher import check_identifier
from .errors import OntologyError
from .paths import ONTOLOGY_FILE

PROPERTY_TYPES = {"string", "enum", "enum_list", "actor_ref", "actor_ref_list"}
LIST_TYPES = {"enum_list", "actor_ref_list"}


@dataclass(frozen=True)
class PropertySpec:
    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    description: str = ""

    @property
    def is_list(self) -> bool:
        return self.type in LIST_TYPES


@dataclass(frozen=True)
class RelationType:
    name: str
    directed: bool
    polarity: int
    description: str
    source_kinds: frozenset[str]
    target_kinds: frozenset[str]
    cameo: str | None
    plover: str | None
    properties: dict[str, PropertySpec] = field(default_factory=dict)


@dataclass(frozen=True)
class EventType:
    """A kind of event (ontology.yaml `event_types`) and the roles its participants take."""
    name: str
    description: str
    roles: dict[str, str]            # role -> description
    required_roles: tuple[str, ...] = ()
    acled: str | None = None
    ucdp_ged: tuple[int, ...] = ()   # GED type_of_violence codes imported as this type

    def acled_pairs(self) -> list[tuple[str, str]]:
        """The (event type, sub-event type) pairs of `acled`, lower-case: "Battles / Government
        regains territory, or Non-state actor overtakes territory" is two pairs."""
        if not self.acled or " / " not in self.acled:
            return []
        event_type, subs = self.acled.split(" / ", 1)
        return [(event_type.strip().casefold(), s.strip().casefold()) for s in subs.split(", or ")]


# The graph's own node labels and the participation relationship: no relation type may take
# one of these names (a relation type is a relationship type of the same graph).
PARTICIPATION = "PARTICIPATED_IN"
RESERVED_NAMES = frozenset({"Actor", "Document", "Event", PARTICIPATION})
# An event's `kind` where exports put events among the actors as nodes: no actor kind may be it.
EVENT_KIND = "event"


@dataclass(frozen=True)
class Sourcing:
    """The sourcing rule's terms (ontology.yaml `sourcing`)."""
    editorial_kinds: frozenset[str] = frozenset()
    unsourced_statuses: frozenset[str] = frozenset()
    unsourced_max_confidence: str | None = None


@dataclass(frozen=True)
class Ontology:
    actor_kinds: dict[str, str]  # kind -> description
    relation_types: dict[str, RelationType]
    confidence_levels: tuple[str, ...]
    statuses: tuple[str, ...]
    source_file: Path
    kind_colors: dict[str, str] = field(default_factory=dict)       # kind -> "#rrggbb"
    polarity_colors: dict[int, str] = field(default_factory=dict)   # -1/0/1 -> "#rrggbb"
    sourcing: "Sourcing" = None   # type: ignore[assignment]  (set by parse_ontology)
    event_types: dict[str, EventType] = field(default_factory=dict)
    event_color: str = "#bcbd22"
    event_place_precisions: dict[str, str] = field(default_factory=dict)   # name -> description

    @property
    def node_colors(self) -> dict[str, str]:
        """An exported node's colour by its `kind`: the actor kinds', and EVENT_KIND's."""
        return {**self.kind_colors, EVENT_KIND: self.event_color}

    def relation_type(self, name: str) -> RelationType | None:
        return self.relation_types.get(name)

    def all_relation_properties(self) -> dict[str, PropertySpec]:
        """Every type-specific property by name, across types (a name has one type)."""
        merged: dict[str, PropertySpec] = {}
        for rt in self.relation_types.values():
            merged.update(rt.properties)
        return merged




def _expand_kinds(names, groups, kinds, where) -> frozenset[str]:
    out: set[str] = set()
    for n in names:
        if n in groups:
            out.update(groups[n])
        elif n in kinds:
            out.add(n)
        else:
            raise OntologyError(f"{where}: unknown actor kind or kind group {n!r}")
    return frozenset(out)


def _identifier(name, where: str, what: str) -> None:
    # Type and property names become relationship types, tables and columns in Cypher texts,
    # where a parameter cannot stand: they must be plain identifiers (graph/cypher.py).
    try:
        check_identifier(name, what)
    except ValueError as e:
        raise OntologyError(f"{where}: {e}") from None


def parse_ontology(data: dict, source_file: Path) -> Ontology:
    kinds = {k: (v or {}).get("description", "") for k, v in data["actor_kinds"].items()}
    if EVENT_KIND in kinds:
        raise OntologyError(f"actor_kinds.{EVENT_KIND}: exports mark event nodes with this kind; name the actor "
                            "kind otherwise")
    groups = {}
    for g, members in (data.get("kind_groups") or {}).items():
        groups[g] = list(_expand_kinds(members, {}, kinds, f"kind_groups.{g}"))
    fields = data.get("relation_fields") or {}
    types: dict[str, RelationType] = {}
    # Property names are shared across types (a graph column has one type), so a name
    # must mean the same thing wherever it appears.
    seen_props: dict[str, PropertySpec] = {}
    for name, spec in data["relation_types"].items():
        where = f"relation_types.{name}"
        _identifier(name, where, "a relation type's name")
        if name in RESERVED_NAMES:
            raise OntologyError(f"{where}: {name} is the graph's own name for something else; "
                                f"reserved: {', '.join(sorted(RESERVED_NAMES))}")
        props = {}
        for pname, p in (spec.get("properties") or {}).items():
            _identifier(pname, f"{where}.properties.{pname}", "a property's name")
            if p.get("type") not in PROPERTY_TYPES:
                raise OntologyError(f"{where}.properties.{pname}: type must be one of {sorted(PROPERTY_TYPES)}")
            ps = PropertySpec(pname, p["type"], bool(p.get("required", False)),
                              tuple(p.get("values") or ()), p.get("description", ""))
            if pname in seen_props and seen_props[pname].type != ps.type:
                raise OntologyError(f"{where}.properties.{pname}: type {ps.type} differs from "
                                    f"its type elsewhere ({seen_props[pname].type})")
            seen_props[pname] = ps
            props[pname] = ps
        polarity = spec.get("polarity")
        if polarity not in (-1, 0, 1):
            raise OntologyError(f"{where}.polarity must be -1, 0 or 1")
        types[name] = RelationType(
            name=name,
            directed=bool(spec.get("directed", True)),
            polarity=polarity,
            description=(spec.get("description") or "").strip(),
            source_kinds=_expand_kinds(spec["source_kinds"], groups, kinds, f"{where}.source_kinds"),
            target_kinds=_expand_kinds(spec["target_kinds"], groups, kinds, f"{where}.target_kinds"),
            cameo=spec.get("cameo"),
            plover=spec.get("plover"),
            properties=props,
        )
    kind_colors = {k: (v or {}).get("color", "#7f7f7f") for k, v in data["actor_kinds"].items()}
    polarity_colors = {int(k): v for k, v in (data.get("polarity_colors") or {}).items()}
    confidence, statuses = tuple(fields.get("confidence", ())), tuple(fields.get("status", ()))
    rule = data.get("sourcing") or {}
    sourcing = Sourcing(frozenset(rule.get("editorial_document_kinds") or ()),
                        frozenset(rule.get("unsourced_statuses") or statuses),
                        rule.get("unsourced_max_confidence") or (confidence[-1] if confidence else None))
    if sourcing.unsourced_max_confidence not in confidence:
        raise OntologyError(f"sourcing.unsourced_max_confidence: must be one of {', '.join(confidence)}")
    if not sourcing.unsourced_statuses <= set(statuses):
        raise OntologyError(f"sourcing.unsourced_statuses: must be among {', '.join(statuses)}")
    event_types = _event_types(data.get("event_types") or {})
    ged = [code for et in event_types.values() for code in et.ucdp_ged]
    if len(ged) != len(set(ged)):
        raise OntologyError("event_types: a UCDP GED type_of_violence code (ucdp_ged) names one event type at most")
    acled = [pair for et in event_types.values() for pair in et.acled_pairs()]
    if len(acled) != len(set(acled)):
        twice = sorted({" / ".join(p) for p in acled if acled.count(p) > 1})
        raise OntologyError(f"event_types: an ACLED event/sub-event type names one event type at most ({twice[0]})")
    precisions = {str(k): (v or "").strip() for k, v in (data.get("event_place_precisions") or {}).items()}
    return Ontology(kinds, types, confidence, statuses, source_file, kind_colors, polarity_colors, sourcing,
                    event_types, data.get("event_color") or "#bcbd22", precisions)


_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


def _event_types(data: dict) -> dict[str, EventType]:
    out = {}
    for name, spec in data.items():
        where = f"event_types.{name}"
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise OntologyError(f"{where}: an event type's name is lower-case letters, digits and '_'")
        roles = {r: (d or "").strip() for r, d in ((spec or {}).get("roles") or {}).items()}
        if not roles:
            raise OntologyError(f"{where}.roles: name at least one role a participant takes")
        for r in roles:
            if not isinstance(r, str) or not _NAME.fullmatch(r):
                raise OntologyError(f"{where}.roles.{r}: a role's name is lower-case letters, digits and '_'")
        required = tuple(spec.get("required_roles") or ())
        if not set(required) <= set(roles):
            raise OntologyError(f"{where}.required_roles: {', '.join(sorted(set(required) - set(roles)))} "
                                "not among its roles")
        ged = spec.get("ucdp_ged") or []
        if not isinstance(ged, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in ged):
            raise OntologyError(f"{where}.ucdp_ged: a list of GED type_of_violence codes (integers)")
        out[name] = EventType(name, (spec.get("description") or "").strip(), roles, required, spec.get("acled"),
                              tuple(ged))
    return out


def load_ontology(path: Path | str = ONTOLOGY_FILE) -> Ontology:
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        return parse_ontology(yaml.safe_load(fh), path)


@lru_cache(maxsize=1)
def default_ontology() -> Ontology:
    return load_ontology()
