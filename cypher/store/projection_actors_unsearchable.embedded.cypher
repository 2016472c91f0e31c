// projection_actors for a generation loaded before actors kept their search tokens (the
// search index then derives them, graph/store/search_index.py).
MATCH (a:Actor)
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.aliases AS aliases, a.country AS country,
       a.description AS description, a.identifiers AS identifiers
ORDER BY a.id
