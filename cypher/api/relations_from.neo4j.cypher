// Relations whose source is one of $ids, with the API's filters: each id is looked up
// through the primary key, so the cost follows the actors' degree, not the graph's size.
// __RETURN__ is a page, a count or everything.
// params: ids, types, symmetric, source, target, either, as_of, since, until, confidences, statuses
UNWIND $ids AS anchor
MATCH (a:Actor {id: anchor})-[r]->(b:Actor)
WITH a, r, b, type(r) AS type
__RELATION_FILTERS__
__RETURN__
