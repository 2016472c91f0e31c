// The actors at node offsets [$from, $below) with their columns: a piece of the actor half of
// the in-memory projection (graph/store/projection.py), built once per published generation,
// with the search tokens its search index is built from (graph/store/search_index.py). Read
// by ranges of offsets, unordered (the projection sorts them by id): the engine holds a whole
// result, and a sort's, in its buffer pool, and a million actors did not fit the projection
// reader's 512 MB.
// params: from, below
MATCH (a:Actor)
WHERE offset(id(a)) >= $from AND offset(id(a)) < $below
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.aliases AS aliases, a.country AS country,
       a.description AS description, a.identifiers AS identifiers, a.search_text AS search_text,
       a.search_values AS search_values
