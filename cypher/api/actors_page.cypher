// A page of actors, ordered by id: those whose id, name or any alias contains $q
// of kind $kind ('' for any).
// The parameters are bound to variables first: the embedded engine cannot use a parameter
// inside a list predicate such as any(x IN ... WHERE ...).
// params: q, kind, offset, limit
MATCH (a:Actor)
WITH a, $q AS q, $kind AS kind
WHERE (kind = '' OR a.kind = kind)
  AND (q = '' OR lower(a.id) CONTAINS q OR lower(a.name) CONTAINS q
       OR any(x IN a.aliases WHERE lower(x) CONTAINS q))
RETURN a AS actor
ORDER BY a.id
SKIP $offset LIMIT $limit
