// Who accuses an actor of what, on whose authority.
// params: actor
MATCH (a:Actor)-[r:ACCUSES]->(:Actor {id: $actor})
RETURN a.id AS accuser, r.allegations AS allegations, r.attributed_to AS attributed_to,
       r.start_date AS on_date, r.status AS status
ORDER BY accuser
