// Inside a load: remove documents this load did not write (the new seed set no longer has them).
// params: load_id
MATCH (d:Document) WHERE d.load_id IS NULL OR d.load_id <> $load_id
DETACH DELETE d
