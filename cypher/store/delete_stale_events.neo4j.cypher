// Inside a load: remove events this load did not write (the new seed set no longer has them).
// params: load_id
MATCH (e:Event) WHERE e.load_id IS NULL OR e.load_id <> $load_id
DETACH DELETE e
