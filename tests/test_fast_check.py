"""The loader's fast relation check (validation.FastRelationCheck) only ever says yes to what
the full check accepts, and then builds the same Relation: records it accepts skip the full
check, so a wrong yes would load a record `validate` rejects.

Records are drawn by Hypothesis from every field's valid values and a spread of wrong ones
(unknown ids and kinds, wrong types, bad dates, reversed dates, empty and oversized texts,
extra fields), over the Libya seed's actors and documents.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictgraph.graph.errors import ValidationFailed
from conflictgraph.graph.paths import SEED_DIR
from conflictgraph.graph.seeds import RawRecord, read_yaml, seed_files
from conflictgraph.graph.validation import FastRelationCheck, RecordValidator

ACTORS = ["russia", "usa", "kaniyat", "mohamed-al-kani", "gna", "haftar-forces", "unsc-1970-committee",
          "turkey", "un-security-council"]
WRONG = [None, "", "nobody", 3, 2.5, True, [], {}, ["russia"], "Russia", " russia"]
DATES = ["2019", "2019-04", "2020-11-19", "2020-02-30", "2019-13", "20", "2019-4", "", 2019, None]
# Texts the text rule refuses (graph/text_rules.py): a control character, a zero-width space,
# a bidi override, a vertical tab, an escape.
HOSTILE = ["A claim\x01 in our words.", "NK-\u200babc", "a \u202equote", "Tar\x0bhuna", "a\x1b[31m note"]


def _pick(values):
    return st.sampled_from(values)


def evidence_items(documents):
    # Mostly valid items, each with one field possibly wrong: near the boundary the fast check
    # must not cross (a paragraph and a record both given, an empty record, ...).
    valid = st.fixed_dictionaries(
        {"document": _pick(documents), "summary": _pick(["A claim in our words.", HOSTILE[0]])},
        optional={"paragraph": _pick([1, 12, None, 0]), "record": _pick(["NK-abc123", "", None, 7, "x" * 501, HOSTILE[1]]),
                  "quote": _pick(["a short quote", HOSTILE[2]])})
    item = st.one_of(valid, st.fixed_dictionaries(
        {"document": _pick(documents + ["doc-missing", 7, None]),
         "paragraph": _pick([1, 3, 12, 0, -1, "3", 2.0, True, None]),
         "summary": _pick(["A claim in our words.", "", None, 5, "x" * 300])},
        optional={"quote": _pick(["a short quote", "", None, " ".join(["word"] * 26), 4]),
                  "record": _pick(["NK-abc123", "", None, 7, "x" * 501]),
                  "page": _pick([1])}))
    return st.one_of(st.lists(item, min_size=0, max_size=3), _pick([None, "doc", {}, [None]]))


PROPERTY_VALUES = {
    "support": [["weapons"], ["weapons", "troops"], [], ["nonsense"], "weapons", [3]],
    "program": ["Global Magnitsky", "", 5, ["x"], "Global\u2066 Magnitsky"],
    "measures": [["asset_freeze"], [], ["asset_freeze", "nope"], "asset_freeze"],
    "allegations": [["murder"], ["kidnapping", "torture"], [], ["nope"]],
    "role": ["leader", "", 1], "forum": ACTORS + ["nobody", 3],
    "targets": [["kaniyat"], [], ["nobody"], "kaniyat"], "blocked_action": ["a listing", ""],
    "reason": ["because", "", None], "unknown_property": ["x"]}


def properties(ontology):
    values = PROPERTY_VALUES
    names = sorted(values)
    return st.one_of(
        st.just({}),
        st.lists(_pick(names), max_size=3, unique=True).flatmap(
            lambda keys: st.fixed_dictionaries({k: _pick(values[k]) for k in keys})),
        _pick([None, [], "support", {"support": None}]))


def records(ontology, documents, valid: list[dict]):
    """A valid seed relation with up to three fields replaced (or removed): most draws are
    then near the boundary, where a yes/no shortcut goes wrong."""
    types = list(ontology.relation_types) + ["BACKED", "backs", None, 3]
    fields = {"id": _pick(["r-1", "ly-a.b_c", "R-1", "", "-x", "a" * 201, 5, None]),
              "type": _pick(types),
              "source": _pick(ACTORS + WRONG), "target": _pick(ACTORS + WRONG),
              "confidence": _pick(list(ontology.confidence_levels) + WRONG),
              "status": _pick(list(ontology.statuses) + WRONG),
              "evidence": evidence_items(documents),
              "start": _pick(DATES), "end": _pick(DATES),
              "attributed_to": _pick(ACTORS + WRONG), "location": _pick(["Tarhuna", "", 3, None, HOSTILE[3]]),
              "notes": _pick(["a note", "", None, [], HOSTILE[4]]), "properties": properties(ontology),
              "events": _pick([[], ["ev-ly-2020-10-23-ceasefire"], ["ev-missing"], "ev-ly-2020-10-23-ceasefire",
                               ["ev-ly-2020-10-23-ceasefire", "ev-ly-2020-10-23-ceasefire"], [3], None]),
              "unexpected": _pick(["field"])}
    for name, values in PROPERTY_VALUES.items():   # one property of the base changed
        fields[f"properties.{name}"] = _pick(values)
    # One text of the base's first evidence item changed: hostile texts where a valid record
    # would otherwise be accepted.
    fields["evidence0.summary"] = _pick(["A claim in our words.", HOSTILE[0], HOSTILE[3]])
    fields["evidence0.quote"] = _pick(["a short quote", HOSTILE[2], HOSTILE[4]])
    change = st.tuples(_pick(sorted(fields)), st.booleans()).flatmap(
        lambda fb: st.tuples(st.just(fb[0]), st.just(fb[1]), fields[fb[0]]))

    def apply(base_changes):
        base, changes = base_changes
        data = dict(base)
        for name, remove, value in changes:
            if name.startswith("evidence0."):
                items = data.get("evidence")
                if isinstance(items, list) and items and isinstance(items[0], dict):
                    first = dict(items[0])
                    key = name.split(".", 1)[1]
                    if remove:
                        first.pop(key, None)
                    else:
                        first[key] = value
                    data["evidence"] = [first, *items[1:]]
            elif name.startswith("properties."):
                props = dict(data.get("properties") or {}) if isinstance(data.get("properties"), dict) else {}
                key = name.split(".", 1)[1]
                if remove:
                    props.pop(key, None)
                else:
                    props[key] = value
                data["properties"] = props
            elif remove:
                data.pop(name, None)
            else:
                data[name] = value
        return data
    return st.tuples(_pick(valid), st.lists(change, max_size=3)).map(apply)


def _checks(ontology, seed_dataset):
    documents = [d.id for d in seed_dataset.documents]
    full = RecordValidator(ontology)
    full.check_entities([RawRecord("documents", "documents", i, {"id": d.id, "title": d.title})
                         for i, d in enumerate(seed_dataset.documents)],
                        [RawRecord("actors", "actors", i, {"id": a.id, "name": a.name, "kind": a.kind})
                         for i, a in enumerate(seed_dataset.actors)])
    full.check_events([RawRecord("events", "events", i, data) for i, data in enumerate(_seed_records("events"))])
    assert not full.problems
    return documents, full, FastRelationCheck(ontology, *full.fast_check_inputs())


def test_the_fast_check_never_accepts_what_the_full_check_rejects(ontology, seed_dataset):
    documents, full, fast = _checks(ontology, seed_dataset)
    seen = {"accepted": 0, "rejected": 0}

    @settings(max_examples=3000, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(records(ontology, documents, _seed_relations()))
    def check(data):
        accepted = fast(data)
        full.problems.clear()
        full.reset_relations()
        checked = list(full.check_relations_fully([RawRecord("relations", "relations", 0, data)]))
        if accepted is None:
            seen["rejected"] += 1
            return
        seen["accepted"] += 1
        assert not full.problems, f"fast check accepted {data!r}; full check: {ValidationFailed(full.problems)}"
        assert checked == [accepted]

    check()
    # The draw reaches both answers, or the property says nothing.
    assert seen["accepted"] > 50 and seen["rejected"] > 50, seen


def test_the_fast_check_accepts_the_seed_relations(ontology, seed_dataset):
    """The common case stays fast: every valid Libya relation passes the fast check."""
    _, _, fast = _checks(ontology, seed_dataset)
    raw = _seed_relations()
    assert len(raw) == len(seed_dataset.relations) and all(fast(r) is not None for r in raw)


def _seed_records(section: str) -> list[dict]:
    return [r.data for f in seed_files(SEED_DIR) if f.suffix in (".yaml", ".yml")
            for r in read_yaml(f, []) if r.section == section]


def _seed_relations() -> list[dict]:
    return _seed_records("relations")
