// One actor by id, through the primary key.
// params: id
MATCH (a:Actor {id: $id})
RETURN a AS actor
