// All shortest paths between two actors in any direction, up to $max_hops (at most 6),
// through relations of the given types valid on $as_of ('' for any day). Returns actor ids
// and relation ids in path order; the keys to fetch them with relations_by_key
// (here the relation ids themselves).
// params: source, target, max_hops, types, as_of, limit
MATCH p = (a:Actor {id: $source})-[* ALL SHORTEST 1..6 (r, n | WHERE label(r) IN $types
      AND ($as_of = '' OR true /* include: valid_on */))]-(b:Actor {id: $target})
WHERE length(p) <= $max_hops
RETURN list_transform(nodes(p), n -> n.id) AS actors, list_transform(rels(p), x -> x.id) AS relations,
       list_transform(rels(p), x -> x.id) AS keys
LIMIT $limit
