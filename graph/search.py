"""Actor search: what a typed query matches, and in what order. One definition, two stores.

Both stores find *candidates* their own fast way (the embedded store with `SearchIndex` over
its projection, graph/store/search_index.py; Neo4j with its full-text index over the same
tokens, cypher/api/search_actors.neo4j.cypher), and both hand them to `rank`, which decides
what matches and how well. The candidate finders only ever over-collect (a superset of what
`rank` keeps), so the two stores give the same answers.

Text is compared as *tokens*: normality's normalisation (case folded, punctuation to spaces,
any script transliterated to ASCII through ICU: "خليفة حفتر" -> "khlyft hftr", "Вагнер" ->
"vagner"). An actor's tokens come from its name, its aliases, its id and its identifiers.

A query matches one of an actor's values (its name, one alias, its id or one identifier) when
every query token matches a token of that value, by prefix (typing "haf" finds "haftar") or,
for tokens of 4 characters and more, fuzzily: same first letter and at most 1 edit (2 from 8
characters), counting a swap of neighbours as one edit (optimal string alignment: "hafatr" and
"hiftar" find "haftar"), or by consonant skeleton (`skeleton`: "hftr", transliterated from
Arabic script without its short vowels, finds "haftar"). The first letter is kept because
typos and transliteration variants rarely change it, and because it keeps the candidates of
a fuzzy token few.

Ranking, best first (`how`): `exact` (the value is the query), `prefix` (the value starts with
the query), `tokens` (every query token starts a token of the value), `fuzzy`; then the field
(name, alias, identifier, id), then shorter values, then the actor id.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from normality import normalize
from rapidfuzz import process
from rapidfuzz.distance import OSA

# A query is answered from at most this many candidates; past that the answer says it is
# not complete ("type more"), and which candidates were looked at is up to each store.
CANDIDATES = 1000
# Neo4j's full-text index over-collects (its typos ignore the first letter): it is asked for
# this many, which are then checked on their tokens (text_has) before CANDIDATES applies.
INDEX_HITS = 4 * CANDIDATES
MAX_TERMS = 8
FIELDS = ("name", "alias", "identifier", "id")
HOW = ("exact", "prefix", "tokens", "fuzzy")
_TOKEN = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=65536)
def tokens(text: str | None) -> tuple[str, ...]:
    """The comparable tokens of a text (ASCII letters and digits, lower case)."""
    if not text:
        return ()
    return tuple(_TOKEN.findall(normalize(text, ascii=True, lowercase=True) or ""))


def actor_values(props: dict[str, Any]) -> list[tuple[int, str]]:
    """(field rank, value) for every value an actor is found by (stored properties)."""
    values = [(0, props.get("name") or "")]
    values += [(1, a) for a in props.get("aliases") or ()]
    # Identifiers are stored as `scheme:value`; the value is what people type.
    values += [(2, t.split(":", 1)[-1]) for t in props.get("identifiers") or ()]
    values.append((3, props["id"]))
    return [(f, v) for f, v in values if v]


_VOWELS = str.maketrans("", "", "aeiouy")


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """A token's consonant skeleton: its first letter, then its other letters without vowels
    and without doubled letters ("haftar" -> "hftr", "qaddafi" -> "qdf"). Arabic and Hebrew
    names are mostly written without short vowels, so a name transliterated from the script
    ("hftr") and one romanised with vowels ("haftar") meet here. Digits: no skeleton."""
    if not token or not token[0].isalpha() or any(c.isdigit() for c in token):
        return ""
    out = [token[0]]
    for c in token[1:].translate(_VOWELS):
        if c != out[-1]:
            out.append(c)
    return "".join(out)


def skeleton_edits(skel: str) -> int | None:
    """How far two skeletons may be apart to match (None: too short to compare)."""
    return None if len(skel) < 3 else 0 if len(skel) < 5 else 1


def search_text(props: dict[str, Any]) -> str:
    """Every token an actor is found by, once each, space-separated, then the skeletons of its
    word tokens in upper case (so no query token, always lower case, meets them by prefix or
    by typo): stored with the actor on both stores and indexed (Neo4j's full-text index reads
    it with its whitespace analyzer, which keeps case)."""
    seen = dict.fromkeys(t for _, v in actor_values(props) for t in tokens(v))
    skeletons = dict.fromkeys(k.upper() for k in map(skeleton, seen) if skeleton_edits(k) is not None)
    return " ".join([*seen, *skeletons])


def query_terms(q: str) -> list[str]:
    """The query's tokens (at most MAX_TERMS; an empty list when nothing searchable is left)."""
    return list(tokens(q))[:MAX_TERMS]


def edits(term: str) -> int:
    """How many edits a query token may be off by."""
    return 0 if len(term) < 4 else 1 if len(term) < 8 else 2


def fuzzy_equal(term: str, token: str) -> bool:
    """Within the term's typos (first letter kept), or the same consonant skeleton."""
    if token[:1] != term[:1]:
        return False
    k = edits(term)
    if k and abs(len(token) - len(term)) <= k and OSA.distance(term, token, score_cutoff=k) <= k:
        return True
    skel = skeleton(term)
    ks = skeleton_edits(skel)
    return ks is not None and skeleton_close(skel, skeleton(token), ks)


def text_has(text: str, term: str) -> bool:
    """Whether a search_text has a token the term matches by prefix, typo or skeleton: the
    check every store's candidates pass before they are ranked."""
    if text.startswith(term) or (" " + term) in text:
        return True
    return any(fuzzy_equal(term, t) for t in text.split() if not t.isupper())


def skeleton_close(a: str, b: str, k: int) -> bool:
    return a == b if k == 0 else bool(b) and abs(len(a) - len(b)) <= k and OSA.distance(a, b, score_cutoff=k) <= k


def search_values(props: dict[str, Any]) -> str:
    """The actor's values as `rank` reads them, stored beside search_text so that a search
    neither fetches whole actors nor normalises text to rank its candidates: one line per
    value of actor_values, `field|length|tokens`."""
    return "\n".join(f"{f}|{len(v)}|{' '.join(tokens(v))}" for f, v in actor_values(props))


def _grade(terms: list[str], value_tokens: list[str]) -> int | None:
    """How a value matches the query (an index into HOW), or None."""
    if not value_tokens:
        return None
    n = len(terms)
    if value_tokens == terms:
        return 0
    if (len(value_tokens) >= n and value_tokens[:n - 1] == terms[:-1]
            and value_tokens[n - 1].startswith(terms[-1])):
        return 1
    if all(any(v.startswith(t) for v in value_tokens) for t in terms):
        return 2
    if all(any(v.startswith(t) or fuzzy_equal(t, v) for v in value_tokens) for t in terms):
        return 3
    return None


def grade(terms: list[str], values: str, actor_id: str) -> tuple[tuple, int] | None:
    """An actor's best-matching value, from its search_values: (sort key, the value's index
    in actor_values), or None when nothing matches."""
    best = None
    for i, line in enumerate(values.split("\n")):
        f, n, toks = line.split("|", 2)
        vt = toks.split()
        g = _grade(terms, vt)
        if g is not None:
            key = (g, int(f), len(vt), int(n), actor_id)
            if best is None or key < best[0]:
                best = (key, i)
    return best


def rank(terms: list[str], rows: Iterable[tuple[Any, str, str]], limit: int) -> list[tuple[Any, int, tuple]]:
    """The best `limit` of the candidates (handle, actor id, search_values) that match, best
    first, as (handle, value index, sort key): `grade` for every candidate, computed column
    by column with Arrow rather than value by value in Python; typos and skeletons are looked
    at only when fewer than `limit` actors match better, once per distinct word
    (_fuzzy_lines). tests/test_search.py checks it against `grade`."""
    rows = list(rows)
    if not rows or limit <= 0:
        return []
    handles = [r[0] for r in rows]
    ids = [r[1] for r in rows]
    nested = pc.split_pattern(pa.array([r[2] or "" for r in rows], pa.string()), "\n")
    parent = pc.list_parent_indices(nested).to_numpy()
    lines = pc.list_flatten(nested)
    starts = nested.offsets.to_numpy()[:-1]
    position = np.arange(len(lines)) - starts[parent]
    parts = pc.split_pattern(lines, "|", max_splits=2)   # field|length|tokens
    field = pc.list_element(parts, 0).cast(pa.int8()).to_numpy()
    length = pc.list_element(parts, 1).cast(pa.int32()).to_numpy()
    text = pc.list_element(parts, 2)
    words = (pc.count_substring(text, " ").to_numpy() + 1) * (pc.utf8_length(text).to_numpy() > 0)
    query = " ".join(terms)
    every = np.ones(len(lines), dtype=bool)
    padded = pc.binary_join_element_wise(" ", text, "")   # " tok tok": a token starts after a space
    for t in dict.fromkeys(terms):
        every &= pc.match_substring(padded, " " + t).to_numpy(zero_copy_only=False)
    graded = np.where(pc.equal(text, query).to_numpy(zero_copy_only=False), 0,
                      np.where(pc.starts_with(text, query).to_numpy(zero_copy_only=False), 1,
                               np.where(every, 2, 9))).astype(np.int8)
    graded[words == 0] = 9
    good = np.zeros(len(rows), dtype=bool)
    good[parent[graded < 9]] = True
    if good.sum() < limit:   # typos and skeletons, for the actors not matched better
        rest = np.flatnonzero(~good[parent] & (words > 0))
        graded[rest[_fuzzy_lines(terms, text.take(pa.array(rest)))]] = 3
    hit = np.flatnonzero(graded < 9)
    if not hit.size:
        return []
    id_rank = np.empty(len(rows), dtype=np.int64)
    id_rank[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(len(rows))
    order = hit[np.lexsort((id_rank[parent[hit]], length[hit], words[hit], field[hit], graded[hit]))]
    _, first = np.unique(parent[order], return_index=True)   # each actor's best value
    best = order[np.sort(first)][:limit]
    return [(handles[p], int(position[i]), (int(graded[i]), int(field[i]), int(words[i]), int(length[i]), ids[p]))
            for i, p in zip(best.tolist(), parent[best].tolist())]


def _near_words(term: str, words: pa.Array) -> np.ndarray:
    """Which distinct word tokens `term` matches by prefix, typo or skeleton (fuzzy_equal),
    computed for all of them at once: rapidfuzz compares in C++, Arrow builds the skeletons."""
    n = len(words)
    ok = pc.starts_with(words, term).to_numpy(zero_copy_only=False)
    same_first = pc.starts_with(words, term[0]).to_numpy(zero_copy_only=False)
    lengths = pc.utf8_length(words).to_numpy()
    listed = words.to_pylist()
    k = edits(term)
    if k:
        near = np.zeros(n, dtype=bool)
        for _, _, i in process.extract(term, listed, scorer=OSA.distance, score_cutoff=k, limit=None):
            near[i] = True
        ok |= near & same_first & (np.abs(lengths - len(term)) <= k)
    skel = skeleton(term)
    ks = skeleton_edits(skel)
    if ks is not None:
        skels = _skeletons(words)
        has_skel = pc.utf8_length(skels).to_numpy() > 0
        if ks == 0:
            close = pc.equal(skels, skel).to_numpy(zero_copy_only=False)
        else:
            close = np.zeros(n, dtype=bool)
            for _, _, i in process.extract(skel, skels.to_pylist(), scorer=OSA.distance, score_cutoff=ks, limit=None):
                close[i] = True
            close &= np.abs(pc.utf8_length(skels).to_numpy() - len(skel)) <= ks
        ok |= close & has_skel & same_first
    return ok


_VOWEL_BYTES = np.zeros(256, dtype=bool)
_VOWEL_BYTES[list(b"aeiouy")] = True


def _skeletons(words: pa.Array) -> pa.Array:
    """skeleton() of every word (tokens: ASCII letters and digits) at once, on the bytes:
    '' for a word with a digit or not starting with a letter; else its first letter, then
    each later letter that is not a vowel and differs from the last such letter before it."""
    words = words.cast(pa.string())
    if len(words) == 0:
        return pa.array([], pa.string())
    offsets = np.frombuffer(words.buffers()[1], dtype=np.int32)[words.offset:words.offset + len(words) + 1]
    data = np.frombuffer(words.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    offsets = offsets - offsets[0]
    lengths = np.diff(offsets)
    starts = offsets[:-1]
    is_start = np.zeros(data.size, dtype=bool)
    is_start[starts[lengths > 0]] = True
    kept = is_start | ~_VOWEL_BYTES[data]
    # The last kept-or-start byte before each byte, within its word.
    last = np.where(kept, np.arange(data.size), -1)
    last = np.maximum.accumulate(last)
    before = np.concatenate([[-1], last[:-1]])
    word_of = np.repeat(np.arange(len(words)), lengths)
    same_word = before >= np.repeat(starts, lengths)
    keep = is_start | (~_VOWEL_BYTES[data] & ~(same_word & (data == data[np.maximum(before, 0)])))
    digit = (data >= 48) & (data <= 57)
    bad = np.zeros(len(words), dtype=bool)
    np.logical_or.at(bad, word_of, digit)
    bad |= (lengths == 0)
    nonempty = lengths > 0
    bad[nonempty] |= ~((data[starts[nonempty]] >= 97) & (data[starts[nonempty]] <= 122))
    keep &= ~bad[word_of]
    counts = np.bincount(word_of[keep], minlength=len(words)).astype(np.int32)
    new_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.StringArray.from_buffers(len(words), pa.py_buffer(new_offsets.tobytes()),
                                       pa.py_buffer(data[keep].tobytes()))


def _fuzzy_lines(terms: list[str], texts: pa.Array) -> np.ndarray:
    """Which of these values' token texts match every term by prefix, typo or skeleton (grade
    3 in `_grade`): each distinct token is compared once, with C++ and Arrow kernels, and
    the answers spread back to the values."""
    if not len(texts):
        return np.zeros(0, dtype=bool)
    nested = pc.split_pattern(texts, " ")
    owner = pc.list_parent_indices(nested).to_numpy()
    flat = pc.list_flatten(nested)
    distinct = pc.unique(flat)
    code = pc.index_in(flat, value_set=distinct).to_numpy()
    every = np.ones(len(texts), dtype=bool)
    for t in dict.fromkeys(terms):
        ok = _near_words(t, distinct)
        has = np.zeros(len(texts), dtype=bool)
        has[owner[ok[code]]] = True
        every &= has
    return every


def match(props: dict[str, Any], value_index: int, key: tuple) -> dict[str, str]:
    """What a ranked actor matched by: {"field", "value" (as stored), "how"}."""
    field, value = actor_values(props)[value_index]
    return {"field": FIELDS[field], "value": value, "how": HOW[key[0]]}


def best_match(terms: list[str], props: dict[str, Any]) -> tuple[tuple, dict[str, str]] | None:
    """The actor's best-matching value: (sort key, match), or None (rank for one actor)."""
    m = grade(terms, search_values(props), props["id"])
    return None if m is None else (m[0], match(props, m[1], m[0]))


def lucene_query(terms: list[str]) -> str:
    """Neo4j's full-text query for the candidates of `terms`: every term, by prefix or
    within its edits (Lucene's fuzzy distance counts a swap as one edit too; it does not keep
    the first letter, so it over-collects and `rank` decides)."""
    parts = []
    for t in terms:
        assert _TOKEN.fullmatch(t), t   # tokens are [a-z0-9]+: nothing to escape
        k = edits(t)
        alternatives = [f"search_text:{t}*"] + ([f"search_text:{t}~{k}"] if k else [])
        skel = skeleton(t)
        ks = skeleton_edits(skel)
        if ks is not None:
            alternatives.append(f"search_text:{skel.upper()}" + (f"~{ks}" if ks else ""))
        parts.append("+(" + " ".join(alternatives) + ")")
    return " ".join(parts)
