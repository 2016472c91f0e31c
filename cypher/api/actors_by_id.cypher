// Actors by id.
// params: ids
MATCH (a:Actor)
WHERE a.id IN $ids
RETURN a AS actor
ORDER BY a.id
