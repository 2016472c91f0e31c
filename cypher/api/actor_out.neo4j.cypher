// One actor's outgoing relations, with the API's filters, looked up through the primary key
// (a single id in the pattern: under a millisecond where WHERE ... IN scans).
// params: id, types, symmetric, source, target, either, as_of, since, until, confidences, statuses
MATCH (a:Actor {id: $id})-[r]->(b:Actor)
WITH a, r, b, type(r) AS type
__RELATION_FILTERS__
__RETURN__
