// projection_actors for a generation loaded before actors kept their search tokens (the
// search index then derives them, graph/store/search_index.py).
// params: from, below
MATCH (a:Actor)
WHERE offset(id(a)) >= $from AND offset(id(a)) < $below
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.aliases AS aliases, a.country AS country,
       a.description AS description, a.identifiers AS identifiers
