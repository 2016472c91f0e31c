// The API's relation filters, shared by every API relation query: a query includes them
// with the line `// include: relation_filters`. Expects a, r, b and `type` in scope. Every
// filter is always bound: '' (or every value) means "no filter", because the embedded engine
// cannot infer the type of a NULL parameter. Dates are compared at each bound's own precision.
// params: source, target, either, as_of, since, until, types, confidences, statuses, symmetric
WITH a, r, b, type, $source AS s, $target AS t, $either AS e, $since AS since, $until AS until
WHERE type IN $types AND r.confidence IN $confidences AND r.status IN $statuses
  AND (s = '' OR a.id = s OR (type IN $symmetric AND b.id = s))
  AND (t = '' OR b.id = t OR (type IN $symmetric AND a.id = t))
  AND (e = '' OR a.id = e OR b.id = e)
  AND ($as_of = '' OR true /* include: valid_on */)
  AND (until = '' OR r.start_date IS NULL OR r.start_date <= left(until, size(r.start_date)))
  AND (since = '' OR r.end_date IS NULL OR r.end_date >= left(since, size(r.end_date)))
