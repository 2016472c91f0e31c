"""The embedded store's search index: every actor token, sorted, with the actors it belongs to.

Built once per published generation from its projection's actor table (the `search_text`
column the load wrote, graph/search.py), with Arrow's compute kernels: no per-actor Python.
It only finds candidates; graph/search.py's `rank` decides what matches and in what order,
as it does for Neo4j, so both stores answer alike.

- prefix: the tokens starting with a term are one range of the sorted vocabulary (bisect);
  their actors are one slice of the postings (CSR: `ptr`, `postings`);
- fuzzy: a term's fuzzy tokens share its first letter and are within `edits` of its length:
  per first letter the vocabulary is also kept ordered by length, so those tokens are one
  list slice, which rapidfuzz compares in C++.
"""
from __future__ import annotations

import bisect
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..search import CANDIDATES, edits, search_text, search_values, skeleton, skeleton_edits


class SearchIndex:
    def __init__(self, actors: pa.Table):
        self.ids = actors.column("id").combine_chunks()
        if "search_text" in actors.column_names:
            texts = actors.column("search_text").combine_chunks().fill_null("")
            self.values = actors.column("search_values").combine_chunks().fill_null("")
        else:   # a generation loaded before these were stored: derived here, once
            rows = actors.select([c for c in ("id", "name", "aliases", "identifiers")
                                  if c in actors.column_names]).to_pylist()
            texts = pa.array([search_text(r) for r in rows], pa.string())
            self.values = pa.array([search_values(r) for r in rows], pa.string())
        self.size = len(self.ids)
        split = pc.utf8_split_whitespace(texts)
        flat = pc.list_flatten(split)
        owner = pc.list_parent_indices(split).to_numpy().astype(np.int32)
        vocab = pc.unique(flat)
        vocab = vocab.take(pc.sort_indices(vocab))
        tid = pc.index_in(flat, value_set=vocab).to_numpy().astype(np.int32)
        order = np.lexsort((owner, tid))
        self.postings = owner[order]
        self.ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(tid, minlength=len(vocab)), out=self.ptr[1:])
        self.vocab: list[str] = vocab.to_pylist()
        # Per first letter: the vocabulary's token numbers ordered by length, the tokens in
        # that order, and where each length starts.
        self._by_length: dict[str, tuple[np.ndarray, list[str], np.ndarray]] = {}
        lengths = np.fromiter(map(len, self.vocab), dtype=np.int32, count=len(self.vocab))
        for c in sorted({t[0] for t in self.vocab if t}):
            lo, hi = self._prefix_range(c)
            ids = np.arange(lo, hi, dtype=np.int64)
            ids = ids[np.argsort(lengths[lo:hi], kind="stable")]
            lens = lengths[ids]
            starts = np.searchsorted(lens, np.arange(lens.max() + 2 if lens.size else 1))
            self._by_length[c] = (ids, [self.vocab[i] for i in ids], starts)

    @property
    def nbytes(self) -> int:
        return self.postings.nbytes + self.ptr.nbytes

    def _prefix_range(self, prefix: str) -> tuple[int, int]:
        lo = bisect.bisect_left(self.vocab, prefix)
        hi = bisect.bisect_left(self.vocab, prefix + "\U0010ffff", lo)
        return lo, hi

    def _near(self, term: str, k: int) -> np.ndarray:
        """Token numbers within k edits of `term` and with its first letter."""
        if not k or term[0] not in self._by_length:
            return np.empty(0, dtype=np.int64)
        ids, toks, starts = self._by_length[term[0]]
        a = starts[max(len(term) - k, 0)] if len(term) - k < len(starts) else len(toks)
        b = starts[min(len(term) + k + 1, len(starts) - 1)]
        hits = process.extract(term, toks[a:b], scorer=OSA.distance, score_cutoff=k, limit=None)
        return ids[a + np.array([i for _, _, i in hits], dtype=np.int64)] if hits else np.empty(0, np.int64)

    def _slices(self, term: str) -> list[tuple[int, int]]:
        """The postings ranges of every token `term` matches (search.text_has): its prefix
        range first (the token equal to it, if any, at the head), then its typos and skeletons."""
        lo, hi = self._prefix_range(term)
        found = [self._near(term, edits(term))]
        skel = skeleton(term)
        ks = skeleton_edits(skel)
        if ks is not None:   # skeletons are stored upper case (search.search_text)
            upper = skel.upper()
            if ks:
                found.append(self._near(upper, ks))
            at = bisect.bisect_left(self.vocab, upper)
            if at < len(self.vocab) and self.vocab[at] == upper:
                found.append(np.array([at], dtype=np.int64))
        fuzzy = np.unique(np.concatenate(found))
        fuzzy = fuzzy[(fuzzy < lo) | (fuzzy >= hi)]
        ptr = self.ptr
        return [(int(ptr[lo]), int(ptr[hi]))] + [(int(ptr[t]), int(ptr[t + 1])) for t in fuzzy.tolist()]

    def candidates(self, terms: list[str], keep=None) -> tuple[np.ndarray, bool]:
        """Positions of the actors having, for every term, a token it matches (a superset of
        what `rank` keeps), of those `keep` (positions -> the ones kept) lets through; and
        whether they are all of them (at most CANDIDATES are returned: those of the rarest
        term's exact token first, then of longer tokens in order)."""
        slices = {t: self._slices(t) for t in dict.fromkeys(terms)}
        sizes = {t: sum(b - a for a, b in sl) for t, sl in slices.items()}
        rarest = min(sizes, key=sizes.get)
        found = np.concatenate([self.postings[a:b] for a, b in slices[rarest]]) if sizes[rarest] \
            else np.empty(0, np.int32)
        for t, sl in slices.items():   # the other terms: one scatter each, no per-actor Python
            if t != rarest and found.size:
                has = np.zeros(self.size, dtype=bool)
                for a, b in sl:
                    has[self.postings[a:b]] = True
                found = found[has[found]]
        if keep is not None and found.size:
            found = keep(found)
        seen = np.zeros(self.size, dtype=bool)
        seen[found] = True
        complete = int(seen.sum()) <= CANDIDATES
        # The first CANDIDATES distinct ones, in the order found.
        head = found[:CANDIDATES * 8]
        _, first = np.unique(head, return_index=True)
        return head[np.sort(first)][:CANDIDATES].astype(np.int64), complete

    def rows(self, positions: np.ndarray) -> list[tuple[int, str, str]]:
        """(position, id, search_values) of these actors, for search.rank."""
        where = pa.array(positions)
        return list(zip(positions.tolist(), self.ids.take(where).to_pylist(), self.values.take(where).to_pylist()))
