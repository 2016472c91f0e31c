"""Actor search (graph/search.py): what a typed query finds, and that every store finds the same.

The definition is `rank` over every actor; each store only finds candidates its own way (the
embedded projection's SearchIndex, the embedded engine's scan, Neo4j's full-text index, a kept
Neo4j version's scan). The contract: each store's answer equals `rank` over all actors.
"""
from __future__ import annotations

import pytest

from conflictgraph.graph import synth
from conflictgraph.graph.records import actor_stored_row
from conflictgraph.graph.search import (CANDIDATES, best_match, edits, grade, lucene_query, match, query_terms, rank,
                                        search_text, search_values, skeleton, tokens)
from conflictgraph.graph.service import GraphService

from conftest import make_store


def hits(answer):
    return [(i["id"], i["match"]["how"], i["match"]["field"]) for i in answer["items"]]


def ranked(terms, props, limit=10):
    """The definition: rank over every one of these actors (stored properties), no index."""
    by_id = {p["id"]: p for p in props}
    top = rank(terms, [(p["id"], p["id"], search_values(p)) for p in props], limit)
    return [(h, *(lambda m: (m["how"], m["field"]))(match(by_id[h], i, key))) for h, i, key in top]


def expected(actors, q, kind="", limit=10):
    return ranked(query_terms(q), [actor_stored_row(a) for a in actors if not kind or a.kind == kind], limit)


# --- the definition -----------------------------------------------------------------
def test_tokens_fold_case_accents_punctuation_and_script():
    assert tokens("Haftar's  Forces") == ("haftar", "s", "forces")
    assert tokens("Mu'ammar al-Qadhdhāfī") == ("mu", "ammar", "al", "qadhdhafi")
    assert tokens("Вагнер") == ("vagner",)            # Cyrillic, transliterated (ICU)
    assert tokens("خليفة حفتر") == ("khlyft", "hftr")   # Arabic script, no short vowels


def test_skeleton_drops_later_vowels_and_doubled_letters():
    assert skeleton("haftar") == skeleton("hftr") == skeleton("hiftar") == "hftr"
    assert skeleton("qaddafi") == "qdf"
    assert skeleton("ali") == "al"        # first letter kept even when a vowel
    assert skeleton("2020") == ""


def test_a_typo_is_forgiven_by_length_and_never_in_the_first_letter():
    assert [edits(t) for t in ("lna", "kani", "kaniyat", "haftarsx")] == [0, 1, 1, 2]
    a = {"id": "x", "name": "Kaniyat militia"}
    assert best_match(["kaniat"], a)[1]["how"] == "fuzzy"        # one letter missing
    assert best_match(["kainyat"], a)[1]["how"] == "fuzzy"       # two neighbours swapped: one edit
    assert best_match(["ganiyat"], a) is None                    # first letter differs
    assert best_match(["kny"], a) is None                        # short: prefix only
    assert best_match(["mlitia"], a)[1]["how"] == "fuzzy"


def test_rank_orders_exact_prefix_tokens_fuzzy_then_field_then_length():
    actors = [
        {"id": "a-fuzzy", "name": "Harftar group"},
        {"id": "b-tokens", "name": "Forces of Haftar"},
        {"id": "c-prefix-long", "name": "Haftar forces of the east"},
        {"id": "d-prefix", "name": "Haftar forces"},
        {"id": "e-exact-alias", "name": "Zz", "aliases": ["Haftar"]},
        {"id": "f-exact-name", "name": "Haftar"},
        {"id": "g-none", "name": "Sarraj"},
    ]
    assert ranked(["haftar"], actors) == [("f-exact-name", "exact", "name"), ("e-exact-alias", "exact", "alias"),
                   ("d-prefix", "prefix", "name"), ("c-prefix-long", "prefix", "name"),
                   ("b-tokens", "tokens", "name"), ("a-fuzzy", "fuzzy", "name")]


def test_every_word_must_match_within_one_value():
    a = {"id": "x", "name": "Libyan National Army", "aliases": ["Haftar forces"]}
    assert best_match(["libyan", "haftar"], a) is None       # name and alias are not mixed
    assert best_match(["nat", "lib"], a)[1]["how"] == "tokens"


def test_search_text_holds_tokens_then_upper_case_skeletons():
    text = search_text({"id": "haftar-forces", "name": "Haftar's forces", "aliases": ["LNA"],
                        "identifiers": ["wikidata:Q123"]})
    assert text.split() == ["haftar", "s", "forces", "lna", "q123", "HFTR", "FRCS"]


def test_lucene_query_over_collects_each_term():
    assert lucene_query(["lna"]) == "+(search_text:lna*)"       # short: prefix only, no skeleton
    q = lucene_query(["haftar", "lna"])
    assert q == "+(search_text:haftar* search_text:haftar~1 search_text:HFTR) +(search_text:lna*)"


# --- every store answers as the definition does --------------------------------------
SEED_QUERIES = ["haf", "Haftar", "hiftar", "hafatr", "kaniat", "al kani", "LNA", "حفتر", "us tre",
                "un security", "wagner", "a", "ly", "Q", "egypt", "MOHAMED", "kani family"]


@pytest.mark.parametrize("q", SEED_QUERIES)
def test_the_seed_search_answers_as_defined(loaded_store, seed_dataset, q):
    svc = GraphService(loaded_store)
    answer = svc.search(q, "", 10)
    assert answer["complete"]
    assert hits(answer) == expected(seed_dataset.actors, q)


def test_the_seed_search_finds_what_people_type(loaded_store):
    svc = GraphService(loaded_store)
    top = lambda q: svc.search(q, "", 3)["items"][0]["id"]  # noqa: E731
    assert top("haf") == "haftar-forces"
    assert top("hiftar") == "khalifa-haftar"
    assert top("kaniat") == "kaniyat"
    assert top("حفتر") == "khalifa-haftar"
    assert top("LNA") == "haftar-forces"


def test_search_within_a_kind(loaded_store, seed_dataset):
    svc = GraphService(loaded_store)
    answer = svc.search("ka", "person", 10)
    assert {i["kind"] for i in answer["items"]} == {"person"}
    assert hits(answer) == expected(seed_dataset.actors, "ka", "person")


SYNTH_QUERIES = ["alka", "Alkani", "alkanni", "alakni", "ha ru", "zanmo ber", "shador", "shadr",
                 "vel", "ostya", "riya", "moh", "sr-armed-group-12", "kar", "tarhu", "dorvel ostri"]


@pytest.fixture(scope="module")
def synthetic():
    return synth.dataset(3000, 3000, seed=11, tag="sr")


@pytest.fixture(scope="module", params=["embedded", "embedded-cypher", "neo4j"])
def synthetic_store(request, tmp_path_factory, synthetic, ontology):
    s = make_store(request.param, tmp_path_factory.mktemp("search"), ontology, request)
    s.load(synthetic)
    yield s
    s.close()


@pytest.mark.parametrize("q", SYNTH_QUERIES)
def test_three_thousand_near_alike_names_answer_as_defined(synthetic_store, synthetic, q):
    answer = GraphService(synthetic_store).search(q, "", 20)
    assert answer["complete"]
    assert hits(answer) == expected(synthetic.actors, q, limit=20)


@pytest.mark.parametrize("kind", ["person", "armed_group"])
def test_a_kind_is_applied_before_the_candidates_are_cut(synthetic_store, synthetic, kind):
    answer = GraphService(synthetic_store).search("ha", kind, 20)
    assert hits(answer) == expected(synthetic.actors, "ha", kind, limit=20)


def test_too_many_candidates_says_the_answer_is_incomplete(synthetic_store, synthetic):
    # "s" starts a token of every synthetic actor (its id "sr-..."): more than a search reads.
    assert sum(1 for a in synthetic.actors if best_match(["s"], actor_stored_row(a))) > CANDIDATES
    answer = GraphService(synthetic_store).search("s", "", 10)
    assert not answer["complete"]
    assert len(answer["items"]) == 10 and all(i["match"]["how"] != "fuzzy" for i in answer["items"])


def test_a_kept_version_is_searched_as_it_was(store, synthetic, seed_dataset):
    """Neo4j reads a kept version under labels its full-text index does not cover: the scan
    path answers it, and must answer as the definition does."""
    store.load(seed_dataset)
    old = store.version()
    store.load(synthetic)
    pinned = GraphService(store).at(old)
    for q in ("haf", "hiftar", "حفتر", "al kani"):
        assert hits(pinned.search(q, "", 10)) == expected(seed_dataset.actors, q)
    assert GraphService(store).search("haftar", "", 10)["items"] == []


# --- over HTTP ------------------------------------------------------------------------
def test_search_over_http_says_what_matched_and_how(client):
    r = client.get("/search", params={"q": "kaniat", "limit": 3})
    assert r.status_code == 200 and r.headers["ConflictGraph-Version"]
    body = r.json()
    assert body["terms"] == ["kaniat"] and body["complete"]
    first = body["items"][0]
    assert first["id"] == "kaniyat" and first["match"] == {"field": "name", "value": "Kaniyat militia", "how": "fuzzy"}
    alias = client.get("/search", params={"q": "lna"}).json()["items"][0]
    assert alias["id"] == "haftar-forces" and alias["match"] == {"field": "alias", "value": "LNA", "how": "exact"}


def test_rank_computed_by_columns_is_grade_value_by_value(synthetic):
    """rank (Arrow, column by column) against grade, the per-value definition, on queries
    typed from 3,000 near-alike names: prefixes, words, typos, two words, consonants."""
    import random
    rnd = random.Random(3)
    props = [actor_stored_row(a) for a in synthetic.actors]
    queries = []
    for a in rnd.sample(synthetic.actors, 25):
        w = rnd.choice(tokens(a.name))
        typo = w[:1] + w[2:] if len(w) > 4 else w + "x"
        queries += [w[:2], w[:4], w, typo, skeleton(w), " ".join(t[:3] for t in tokens(a.name))]
    for q in queries:
        terms = query_terms(q)
        if not terms:
            continue
        graded = sorted((m[0], p["id"], m[1]) for p in props if (m := grade(terms, search_values(p), p["id"])))
        want = [(aid, i, key) for key, aid, i in graded[:15]]
        assert rank(terms, [(p["id"], p["id"], search_values(p)) for p in props], 15) == want, q


def test_skeletons_by_column_are_skeleton_word_by_word(synthetic):
    import pyarrow as pa
    from conflictgraph.graph.search import _skeletons
    words = sorted({t for a in synthetic.actors for v in (a.name, *a.aliases, a.id) for t in tokens(v)})
    words += ["ffafa", "tatta", "aa", "2020", "x1", "oeuvre", "abba"]
    assert _skeletons(pa.array(words)).to_pylist() == [skeleton(w) for w in words]
