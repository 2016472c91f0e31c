// Inside a load: remove actors this load did not write, and their relations.
// params: load_id
MATCH (a:Actor) WHERE a.load_id IS NULL OR a.load_id <> $load_id
DETACH DELETE a
