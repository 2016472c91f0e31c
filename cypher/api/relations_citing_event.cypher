// The relations that cite an event as what they rest on, with their true direction.
// params: event
MATCH (a:Actor)-[r]->(b:Actor)
WHERE $event IN r.event_ids
RETURN a.id AS source, b.id AS target, r AS rel
ORDER BY r.id
