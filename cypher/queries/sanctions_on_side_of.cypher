// Sanctions that hit a backer's side: on the actors it backs, their allies, and the
// leaders of either. `on_side_of` names the backed or allied actor the target belongs to.
// params: backer
MATCH (:Actor {id: $backer})-[:BACKS]->(:Actor)-[:ALLIED_WITH*0..1]-(side:Actor)
MATCH (s:Actor)-[r:SANCTIONS]->(t:Actor)
WHERE t.id = side.id OR EXISTS { MATCH (t)-[:LEADS]->(side) }
RETURN DISTINCT s.id AS sanctioner, t.id AS target, side.id AS on_side_of,
       r.start_date AS since, r.program AS program
ORDER BY target
