// Every actor with its columns, in id order: the actor half of the in-memory projection
// (graph/projection.py) built once per published generation, with the search tokens its
// search index is built from (graph/store/search_index.py).
MATCH (a:Actor)
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.aliases AS aliases, a.country AS country,
       a.description AS description, a.identifiers AS identifiers, a.search_text AS search_text,
       a.search_values AS search_values
ORDER BY a.id
