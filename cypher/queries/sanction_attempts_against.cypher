// Proposals to sanction an actor, the forum, and who blocked the forum from acting on it.
// params: target
MATCH (p:Actor)-[r:PROPOSES_SANCTIONS]->(:Actor {id: $target})
OPTIONAL MATCH (b:Actor)-[k:BLOCKS]->(:Actor {id: r.forum})
WHERE $target IN k.targets
RETURN p.id AS proposer, r.forum AS forum, r.measures AS measures, r.start_date AS proposed,
       b.id AS blocked_by, k.start_date AS blocked_on
ORDER BY proposer
