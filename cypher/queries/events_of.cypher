// What happened to an actor, in date order: each event it took part in, its role there, and who
// else took part, as what (e.g. russia: the blocked listing of 2020-11-20, as blocker, with
// germany and usa as proposers, kaniyat and mohamed-al-kani as targets, the 1970 Committee as forum).
// params: actor
MATCH (:Actor {id: $actor})-[p:PARTICIPATED_IN]->(e:Event)
OPTIONAL MATCH (o:Actor)-[q:PARTICIPATED_IN]->(e)
WHERE o.id <> $actor
WITH e, p, o.id + ' (' + q.role + ')' AS other
ORDER BY other SKIP 0   // the embedded engine orders in WITH only with a SKIP or LIMIT
RETURN e.id AS event, e.type AS type, e.date AS date, e.place AS place, p.role AS role,
       collect(other) AS others
ORDER BY date, event, role
