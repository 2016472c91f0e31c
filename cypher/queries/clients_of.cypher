// Whom an actor backs.
// params: actor
MATCH (:Actor {id: $actor})-[r:BACKS]->(c:Actor)
RETURN c.id AS client, c.name AS name, r.support AS support, r.start_date AS since,
       r.end_date AS until
ORDER BY client
