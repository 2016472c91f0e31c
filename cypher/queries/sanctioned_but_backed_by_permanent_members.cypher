// Sanctions targets backed by a permanent member of a council ($council: 'unsc'): backed
// directly, through the side the target is allied with, or through the group it leads.
// `via` is the actor the permanent member backs (the target itself when backed directly).
// params: council
MATCH (m:Actor)-[:MEMBER_OF {seat: 'permanent'}]->(:Actor {id: $council})
MATCH (m)-[:BACKS]->(backed:Actor)
MATCH (s:Actor)-[r:SANCTIONS]->(t:Actor)
MATCH (t)-[:LEADS*0..1]->(:Actor)-[:ALLIED_WITH*0..1]-(backed)
RETURN DISTINCT t.id AS target, s.id AS sanctioner, r.start_date AS since, m.id AS permanent_member,
       backed.id AS via
ORDER BY target, permanent_member, via
