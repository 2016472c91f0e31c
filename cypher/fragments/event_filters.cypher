// The API's event filters, shared by the event list queries: a query includes them with the
// line `// include: event_filters`. Expects `e` (an Event) in scope. Every filter is always
// bound ('' or every type means "no filter"). Dates are compared at the event date's own
// precision, as relation bounds are (cypher/fragments/valid_on.cypher): an event of
// "2020-06" has happened by as_of 2020-06-01, and falls within since 2020-06-30.
// params: types, as_of, since, until
WITH e, $types AS types, $as_of AS as_of, $since AS since, $until AS until
WHERE e.type IN types
  AND (as_of = '' OR e.date <= left(as_of, size(e.date)))
  AND (since = '' OR e.date >= left(since, size(e.date)))
  AND (until = '' OR e.date <= left(until, size(e.date)))
