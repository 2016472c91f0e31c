// Relations whose source is one of $ids (one ring of a subgraph), with the API's filters.
// A list of ids: WHERE ... IN. (UNWIND $ids ... MATCH (a {id: x}) is ~100x slower on the
// embedded engine.)
// The relation as a map projection of its properties (and its type), as every relation query
// here returns it: the driver then builds a dict, not a Relationship object with its end
// nodes (measured: the bare driver replaying a 2-hop subgraph's queries for 60 seeds at the
// default size took 10.7-11.5 s with `r`, 8.4-8.7 s with the map).
// params: ids, types, symmetric, source, target, either, as_of, since, until, confidences, statuses
MATCH (a:Actor)-[r]->(b:Actor)
WHERE a.id IN $ids
WITH a, r, b, type(r) AS type
// include: relation_filters — the API's filters, cypher/fragments/relation_filters.cypher
RETURN a.id AS source, b.id AS target, r {.*, _type: type} AS rel
