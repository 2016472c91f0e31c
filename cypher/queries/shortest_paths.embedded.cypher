// All shortest paths (up to 4 hops, any direction, any type) between two actors: the
// actors along each path and the relation types between them. Embedded dialect: the
// engine writes shortest paths as `* ALL SHORTEST` and maps lists with list_transform.
// params: source, target
MATCH p = (a:Actor {id: $source})-[* ALL SHORTEST 1..4]-(b:Actor {id: $target})
RETURN list_transform(nodes(p), n -> n.id) AS actors,
       list_transform(rels(p), x -> label(x)) AS types, length(p) AS hops
