// Actors shielded from sanctions: who blocked which body from acting against whom, and why.
MATCH (b:Actor)-[r:BLOCKS]->(body:Actor)
UNWIND r.targets AS target_id
MATCH (t:Actor {id: target_id})
RETURN b.id AS blocker, body.id AS body, t.id AS target, r.blocked_action AS blocked_action,
       r.reason AS reason, r.start_date AS on_date
ORDER BY target
