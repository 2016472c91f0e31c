// Relations valid on a day (YYYY-MM-DD): started on or before it and not ended before it,
// each bound compared at its own precision (a start of "2020-11" counts from 2020-11-01).
// A missing bound is unknown and does not exclude the relation.
// params: date
MATCH (a:Actor)-[r]->(b:Actor)
WHERE (r.start_date IS NULL OR r.start_date <= left($date, size(r.start_date)))
  AND (r.end_date IS NULL OR r.end_date >= left($date, size(r.end_date)))
RETURN r.id AS id, a.id AS source, label(r) AS type, b.id AS target, r.start_date AS start,
       r.end_date AS end_date
ORDER BY id
