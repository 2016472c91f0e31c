// All shortest paths between two actors in any direction, up to $max_hops (at most 6),
// through relations of the given types valid on $as_of ('' for any day). Returns actor ids
// and relation ids in path order; the relations are fetched with relations_by_id.
// params: source, target, max_hops, types, as_of, limit
MATCH p = allShortestPaths((a:Actor {id: $source})-[*..6]-(b:Actor {id: $target}))
WHERE length(p) <= $max_hops
  AND all(r IN relationships(p) WHERE type(r) IN $types
      AND ($as_of = '' OR ((r.start_date IS NULL OR r.start_date <= left($as_of, size(r.start_date)))
                           AND (r.end_date IS NULL OR r.end_date >= left($as_of, size(r.end_date))))))
RETURN [n IN nodes(p) | n.id] AS actors, [x IN relationships(p) | x.id] AS relations
LIMIT $limit
