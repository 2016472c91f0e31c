// What an actor blocked, in which body, on whose proposal, and with what seat: its seat in the
// body itself, or in the body that body belongs to (a Security Council committee comprises
// the whole Council, so a Council seat is the seat that counts there). One row per proposer.
// params: blocker
MATCH (b:Actor {id: $blocker})-[k:BLOCKS]->(body:Actor)
OPTIONAL MATCH (p:Actor)-[r:PROPOSES_SANCTIONS]->(t:Actor)
WHERE r.forum = body.id AND t.id IN k.targets
OPTIONAL MATCH (b)-[m:MEMBER_OF]->(seat_in:Actor)
WHERE seat_in.id = body.id OR EXISTS { MATCH (body)-[:PART_OF]->(seat_in) }
RETURN DISTINCT body.id AS body, k.blocked_action AS blocked_action, p.id AS proposer,
       seat_in.id AS seat_in, m.seat AS seat, k.start_date AS blocked_on
ORDER BY blocked_on, body, proposer
