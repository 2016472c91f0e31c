// Relations whose target is one of $ids, with the API's filters (see relations_from).
// params: ids, types, symmetric, source, target, either, as_of, since, until, confidences, statuses
UNWIND $ids AS anchor
MATCH (a:Actor)-[r]->(b:Actor {id: anchor})
WITH a, r, b, label(r) AS type
__RELATION_FILTERS__
__RETURN__
