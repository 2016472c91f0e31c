// Who leads, commands or runs an actor (people and families), with their role.
// params: actor
MATCH (l:Actor)-[r:LEADS]->(:Actor {id: $actor})
RETURN l.id AS leader, l.kind AS kind, r.role AS role, r.start_date AS since
ORDER BY leader
