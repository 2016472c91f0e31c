// Inside a load: remove relations whose (type, id, source, target) the new seed set no
// longer has, so a relation that changed type or ends is replaced rather than duplicated.
// params: keys
MATCH (a:Actor)-[r]->(b:Actor)
WHERE NOT (type(r) + '|' + r.id + '|' + a.id + '|' + b.id) IN $keys
DELETE r
