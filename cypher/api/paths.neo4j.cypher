// All shortest paths between two actors in any direction, up to $max_hops (at most 6),
// through relations of the given types valid on $as_of ('' for any day). Returns actor ids
// and relation ids in path order, and each relation's key for relations_by_key (its
// element id: a direct lookup, where a relation id without its type scans every relation).
// The length test comes after a WITH on purpose: inside the shortest-path WHERE, Neo4j
// cannot check it during its breadth-first search, and when the shortest paths are longer
// than $max_hops it falls back to an exhaustive search of every path up to 6 hops (measured
// at 100k relations: past a 20 s timeout, against 19 ms median this way). All shortest
// paths have one length, so limiting before the length test loses nothing.
// params: source, target, max_hops, types, as_of, limit
MATCH p = allShortestPaths((a:Actor {id: $source})-[*..6]-(b:Actor {id: $target}))
WHERE all(r IN relationships(p) WHERE type(r) IN $types
      AND ($as_of = '' OR true /* include: valid_on */))
WITH p LIMIT $limit
WHERE length(p) <= $max_hops
RETURN [n IN nodes(p) | n.id] AS actors, [x IN relationships(p) | x.id] AS relations,
       [x IN relationships(p) | elementId(x)] AS keys
