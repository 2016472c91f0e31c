"""Network questions a signed, dated graph answers, computed with networkx.

Each function takes the internal graph shape ({"nodes", "edges"} as GraphService returns
it, already filtered by type and date) and reports which relations it used, by type, so a
researcher can reproduce the result in Cypher.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

import networkx as nx

from .dates import PartialDate
from .errors import AnalyticsError
from .ontology import Ontology

METRICS = ("degree", "betweenness", "pagerank", "eigenvector")
RULES = {
    (-1, -1): ("enemy of my enemy is my friend", 1),
    (1, 1): ("friend of my friend is my friend", 1),
    (-1, 1): ("friend of my enemy is my enemy", -1),
}




def _used(edges) -> dict[str, int]:
    return dict(sorted(Counter(e["type"] for e in edges).items()))


def _names(graph) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in graph["nodes"]}


# --- centrality ----------------------------------------------------------------------
def centrality(graph, ontology: Ontology, metric: str = "degree", limit: int = 20) -> dict[str, Any]:
    """Actors ranked by a centrality of the relation graph (all polarities: any tie is a tie).

    degree, betweenness and eigenvector use the undirected simple graph; pagerank the
    directed one, where a symmetric relation counts in both directions.
    """
    if metric not in METRICS:
        raise AnalyticsError(f"metric must be one of {', '.join(METRICS)}")
    und, di = nx.Graph(), nx.DiGraph()
    und.add_nodes_from(n["id"] for n in graph["nodes"])
    di.add_nodes_from(n["id"] for n in graph["nodes"])
    for e in graph["edges"]:
        und.add_edge(e["source"], e["target"])
        di.add_edge(e["source"], e["target"])
        if not e["directed"]:
            di.add_edge(e["target"], e["source"])
    if metric == "degree":
        scores = nx.degree_centrality(und)
    elif metric == "betweenness":
        scores = nx.betweenness_centrality(und)
    elif metric == "pagerank":
        scores = nx.pagerank(di)
    else:
        try:
            scores = nx.eigenvector_centrality(und, max_iter=10_000, tol=1e-8)
        except nx.PowerIterationFailedConvergence:
            raise AnalyticsError("eigenvector centrality did not converge on this graph") from None
    names = _names(graph)
    ranking = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return {"metric": metric, "ranking": [{"actor": a, "name": names[a].get("name"), "kind": names[a].get("kind"),
                                           "score": round(s, 6)} for a, s in ranking],
            "relations_used": _used(graph["edges"])}


# --- signed network --------------------------------------------------------------------
def signed_ties(graph, ontology: Ontology) -> tuple[dict[frozenset, int], dict[frozenset, list[str]], list]:
    """The sign of each pair of actors: the sign of the sum of the polarities of the
    relations between them, structural (polarity 0) relations left out. Pairs whose
    relations cancel out (an alliance and a fight, say) are ambivalent and left out too."""
    total: dict[frozenset, int] = defaultdict(int)
    rels: dict[frozenset, list[str]] = defaultdict(list)
    used = []
    for e in graph["edges"]:
        p = ontology.relation_types[e["type"]].polarity
        if p == 0:
            continue
        pair = frozenset((e["source"], e["target"]))
        total[pair] += p
        rels[pair].append(e["id"])
        used.append(e)
    signs = {pair: (1 if s > 0 else -1) for pair, s in total.items() if s != 0}
    ambivalent = [{"actors": sorted(pair), "relations": sorted(rels[pair])}
                  for pair, s in sorted(total.items(), key=lambda kv: sorted(kv[0])) if s == 0]
    return signs, rels, used, ambivalent


def _sign(s: int) -> str:
    return "+" if s > 0 else "-"


def balance(graph, ontology: Ontology, limit: int = 1000) -> dict[str, Any]:
    """Heider's structural balance: every closed triad with its sign pattern (balanced when
    the product of its three signs is positive), the share of balanced triads, and the ties
    the balance rules predict where the data shows none (open triads)."""
    signs, rels, used, ambivalent = signed_ties(graph, ontology)
    g = nx.Graph()
    for pair, s in signs.items():
        a, b = sorted(pair)
        g.add_edge(a, b, sign=s)
    triads, balanced = [], 0
    for clique in nx.enumerate_all_cliques(g):
        if len(clique) < 3:
            continue
        if len(clique) > 3:
            break
        a, b, c = sorted(clique)
        s = [g[a][b]["sign"], g[a][c]["sign"], g[b][c]["sign"]]
        ok = s[0] * s[1] * s[2] > 0
        balanced += ok
        triads.append({"actors": [a, b, c], "signs": {f"{a}|{b}": _sign(s[0]), f"{a}|{c}": _sign(s[1]),
                                                      f"{b}|{c}": _sign(s[2])},
                       "pattern": "".join(sorted(map(_sign, s))), "balanced": ok,
                       "relations": sorted(r for p in ((a, b), (a, c), (b, c)) for r in rels[frozenset(p)])})
    predictions = []
    for b in sorted(g):
        for a, c in combinations(sorted(g[b]), 2):
            if g.has_edge(a, c):
                continue
            rule, predicted = RULES[tuple(sorted((g[a][b]["sign"], g[b][c]["sign"])))]
            predictions.append({"actors": [a, c], "via": b, "rule": rule, "predicted": _sign(predicted),
                                "signs": [_sign(g[a][b]["sign"]), _sign(g[b][c]["sign"])]})
    order = [rule for rule, _ in RULES.values()]
    predictions.sort(key=lambda p: (order.index(p["rule"]), p["actors"], p["via"]))
    n = len(triads)
    return {"triads": triads[:limit], "triad_count": n, "balanced": balanced, "unbalanced": n - balanced,
            "balance_ratio": round(balanced / n, 6) if n else None,
            "unbalanced_triads": [t for t in triads if not t["balanced"]][:limit],
            "predicted_missing_ties": predictions[:limit],
            "ambivalent_pairs": ambivalent,
            "relations_used": _used(used)}


def blocs(graph, ontology: Ontology) -> dict[str, Any]:
    """Coalitions: a partition of the actors with signed ties that keeps positive ties
    inside blocs and negative ties between them (correlation clustering).

    Method, deterministic: (1) start from the connected components of the positive ties;
    (2) move single actors between blocs while that lowers the frustration (positive ties
    between blocs plus negative ties inside them); (3) merge two blocs when that does not
    raise the frustration and their sets of enemies overlap by at least half (Jaccard
    ≥ 0.5), so actors that stand against the same enemies form one side even without a
    recorded tie between them. Actors without signed ties are listed as unaligned.
    """
    signs, _, used, ambivalent = signed_ties(graph, ontology)
    pos, neg = nx.Graph(), nx.Graph()
    nodes = sorted({a for pair in signs for a in pair})
    pos.add_nodes_from(nodes)
    for pair, s in signs.items():
        a, b = sorted(pair)
        (pos if s > 0 else neg).add_edge(a, b)
    bloc_of = {}
    for i, comp in enumerate(sorted(nx.connected_components(pos), key=lambda c: sorted(c))):
        for a in comp:
            bloc_of[a] = i

    def frustration(assign) -> int:
        return (sum(1 for a, b in pos.edges if assign[a] != assign[b]) +
                sum(1 for a, b in neg.edges if assign[a] == assign[b]))

    improved = True
    while improved:
        improved = False
        for a in nodes:
            current = frustration(bloc_of)
            best, best_cost = bloc_of[a], current
            for target in sorted(set(bloc_of.values())):
                if target == bloc_of[a]:
                    continue
                trial = {**bloc_of, a: target}
                cost = frustration(trial)
                if cost < best_cost:
                    best, best_cost = target, cost
            if best != bloc_of[a]:
                bloc_of[a], improved = best, True

    def members(assign):
        out = defaultdict(set)
        for a, i in assign.items():
            out[i].add(a)
        return out

    def enemies(group: set) -> set:
        return {n for a in group if a in neg for n in neg[a]} - group

    merged = True
    while merged:
        merged = False
        groups = members(bloc_of)
        for i, j in combinations(sorted(groups), 2):
            ei, ej = enemies(groups[i]), enemies(groups[j])
            if not ei or not ej or len(ei & ej) / len(ei | ej) < 0.5:
                continue
            trial = {a: (i if k == j else k) for a, k in bloc_of.items()}
            if frustration(trial) <= frustration(bloc_of):
                bloc_of, merged = trial, True
                break
    groups = sorted((sorted(g) for g in members(bloc_of).values()), key=lambda g: (-len(g), g))
    index = {a: n for n, g in enumerate(groups) for a in g}
    between = defaultdict(lambda: {"positive": 0, "negative": 0})
    for pair, s in signs.items():
        a, b = sorted(pair)
        if index[a] != index[b]:
            key = tuple(sorted((index[a], index[b])))
            between[key]["positive" if s > 0 else "negative"] += 1
    names = _names(graph)
    return {
        "method": "correlation clustering: positive-tie components, frustration-lowering moves, "
                  "merge of blocs with overlapping enemies (Jaccard >= 0.5)",
        "blocs": [{"members": g, "names": [names[a].get("name") for a in g]} for g in groups],
        "frustration": frustration(bloc_of),
        "frustrated_ties": sorted(sorted(p) + [_sign(s)] for p, s in signs.items()
                                  if (s > 0) != (index[min(p)] == index[max(p)])),
        "between_blocs": [{"blocs": list(k), **v} for k, v in sorted(between.items())],
        "unaligned": sorted(set(names) - set(index)),
        "ambivalent_pairs": ambivalent,
        "relations_used": _used(used),
    }


# --- timeline --------------------------------------------------------------------------
def _sort_key(rel):
    start = rel.get("start")
    return (start is None, PartialDate.parse(start).earliest() if start else None, rel["id"])


def timeline(graph, ontology: Ontology, actor: str) -> dict[str, Any]:
    """An actor's relations ordered by start date (undated ones last), and its changes of
    side: a cooperative tie that ended, followed by one with an enemy of the old partner."""
    mine = [e for e in graph["edges"] if actor in (e["source"], e["target"])]
    mine.sort(key=_sort_key)
    fights = {frozenset((e["source"], e["target"])) for e in graph["edges"]
              if ontology.relation_types[e["type"]].polarity < 0 and not ontology.relation_types[e["type"]].directed}
    aligned = [e for e in mine if ontology.relation_types[e["type"]].polarity > 0]
    changes = []
    for old in aligned:
        if not old.get("end"):
            continue
        ended = PartialDate.parse(old["end"])
        old_partner = old["target"] if old["source"] == actor else old["source"]
        for new in aligned:
            if new is old or not new.get("start"):
                continue
            partner = new["target"] if new["source"] == actor else new["source"]
            if PartialDate.parse(new["start"]).latest() >= ended.earliest() and \
                    frozenset((old_partner, partner)) in fights:
                changes.append({"date": new["start"], "left": old_partner, "left_on": old["end"],
                                "joined": partner, "relations": [old["id"], new["id"]]})
    events = [{"id": e["id"], "type": e["type"], "start": e.get("start"), "end": e.get("end"),
               "direction": "out" if e["source"] == actor else "in",
               "other": e["target"] if e["source"] == actor else e["source"],
               "polarity": ontology.relation_types[e["type"]].polarity,
               "confidence": e["confidence"], "status": e["status"]} for e in mine]
    return {"actor": actor, "events": events, "side_changes": changes, "relations_used": _used(mine)}
