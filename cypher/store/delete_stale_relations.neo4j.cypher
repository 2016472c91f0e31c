// Inside a load: remove relations this load did not write — gone from the seed set, or
// replaced because their type or ends changed (MERGE then made a new one).
// params: load_id
MATCH (:Actor)-[r]->(:Actor)
WHERE r.load_id IS NULL OR r.load_id <> $load_id
DELETE r
