// All shortest paths (up to 4 hops, any direction, any type) between two actors: the
// actors along each path and the relation types between them.
// params: source, target
MATCH p = allShortestPaths((a:Actor {id: $source})-[*..4]-(b:Actor {id: $target}))
RETURN [n IN nodes(p) | n.id] AS actors, [x IN relationships(p) | type(x)] AS types,
       length(p) AS hops
