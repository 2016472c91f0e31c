// Who backs an actor: backers with the kind of support and the dates of the claim.
// params: actor
MATCH (b:Actor)-[r:BACKS]->(:Actor {id: $actor})
RETURN b.id AS backer, b.name AS name, r.support AS support, r.start_date AS since,
       r.end_date AS until, r.confidence AS confidence
ORDER BY backer
