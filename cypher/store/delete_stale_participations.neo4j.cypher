// Inside a load: remove participations this load did not write.
// params: load_id
MATCH (:Actor)-[p:PARTICIPATED_IN]->(:Event)
WHERE p.load_id IS NULL OR p.load_id <> $load_id
DELETE p
