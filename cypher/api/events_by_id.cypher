// Events by id.
// params: ids
MATCH (e:Event)
WHERE e.id IN $ids
RETURN e AS event
ORDER BY e.date, e.id
