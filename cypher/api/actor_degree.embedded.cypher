// How many relations of each type an actor has, in either direction.
// params: id
MATCH (:Actor {id: $id})-[r]-(:Actor)
RETURN label(r) AS type, count(*) AS n
ORDER BY type
