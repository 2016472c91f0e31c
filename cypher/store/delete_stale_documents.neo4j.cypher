// Inside a load: remove documents that the new seed set no longer has.
// params: ids
MATCH (d:Document) WHERE NOT d.id IN $ids
DETACH DELETE d
