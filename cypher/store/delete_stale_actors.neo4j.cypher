// Inside a load: remove actors that the new seed set no longer has (and their relations).
// params: ids
MATCH (a:Actor) WHERE NOT a.id IN $ids
DETACH DELETE a
