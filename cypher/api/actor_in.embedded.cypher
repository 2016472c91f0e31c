// One actor's incoming relations, with the API's filters (see actor_out).
// params: id, types, symmetric, source, target, either, as_of, since, until, confidences, statuses
MATCH (a:Actor)-[r]->(b:Actor {id: $id})
WITH a, r, b, label(r) AS type
__RELATION_FILTERS__
__RETURN__
