// The events any of some actors took part in (that had happened by $as_of; '' for all), in
// date order: the events of a neighbourhood, for its exports.
// params: ids, as_of
MATCH (a:Actor)-[:PARTICIPATED_IN]->(e:Event)
WHERE a.id IN $ids AND ($as_of = '' OR e.date <= left($as_of, size(e.date)))
WITH DISTINCT e
RETURN e AS event
ORDER BY e.date, e.id
