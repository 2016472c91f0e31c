// The participants of some events: one row per actor and role.
// params: ids
MATCH (a:Actor)-[p:PARTICIPATED_IN]->(e:Event)
WHERE e.id IN $ids
RETURN e.id AS event, a.id AS actor, p.role AS role, a.name AS name
