// Relations matching the API's filters, as a page (ordered by id) or a count (__RETURN__).
// params: types, symmetric, source, target, either, as_of, since, until, confidences, statuses
MATCH (a:Actor)-[r]->(b:Actor)
WITH a, r, b, type(r) AS type
__RELATION_FILTERS__
__RETURN__
