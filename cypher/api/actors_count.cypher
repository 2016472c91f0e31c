// How many actors match actors_page's search (without the page).
// The parameters are bound to variables first: the embedded engine cannot use a parameter
// inside a list predicate such as any(x IN ... WHERE ...).
// params: q, kind
MATCH (a:Actor)
WITH a, $q AS q, $kind AS kind
WHERE (kind = '' OR a.kind = kind)
  AND (q = '' OR lower(a.id) CONTAINS q OR lower(a.name) CONTAINS q
       OR any(x IN a.aliases WHERE lower(x) CONTAINS q))
RETURN count(*) AS n
