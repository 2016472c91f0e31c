// Every actor with its columns, in id order: the actor half of the in-memory projection
// (graph/projection.py) built once per published generation.
MATCH (a:Actor)
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.aliases AS aliases, a.country AS country,
       a.description AS description, a.identifiers AS identifiers
ORDER BY a.id
