// Candidates for actor search where no index serves it (the embedded engine read without
// its projection): the actors of $kind ('' for any) having, for each of $initials, a search
// token that starts with it. That is a superset of what graph/search.py keeps (a query token
// matches a token by prefix, or by typo or skeleton with the same first letter), which then
// checks each on its tokens.
// The parameters are bound to variables first: the embedded engine cannot use a parameter
// inside a list predicate such as all(x IN ... WHERE ...).
// params: initials, kind
MATCH (a:Actor)
WITH a, $initials AS initials, $kind AS kind
WHERE (kind = '' OR a.kind = kind)
  AND all(i IN initials WHERE a.search_text STARTS WITH i OR a.search_text CONTAINS (' ' + i))
RETURN a.id AS id, a.search_text AS search_text, a.search_values AS search_values
ORDER BY a.id
