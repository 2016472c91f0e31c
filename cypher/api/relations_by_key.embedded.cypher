// The relations of found paths, by the keys the paths query returned: here their ids.
// params: keys
MATCH (a:Actor)-[r]->(b:Actor)
WHERE r.id IN $keys
RETURN a.id AS source, b.id AS target, r AS rel
