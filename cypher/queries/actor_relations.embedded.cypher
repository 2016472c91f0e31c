// Every relation of an actor, in both directions, with the other end.
// params: actor
MATCH (:Actor {id: $actor})-[r]->(b:Actor)
RETURN 'out' AS direction, label(r) AS type, b.id AS other, r.id AS id, r.start_date AS start,
       r.end_date AS end_date
UNION ALL
MATCH (:Actor {id: $actor})<-[r]-(b:Actor)
RETURN 'in' AS direction, label(r) AS type, b.id AS other, r.id AS id, r.start_date AS start,
       r.end_date AS end_date
