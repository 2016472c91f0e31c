// A page of the events an actor took part in ($role: in that role only, '' for any), passing
// the API's filters, in date order (ties by id).
// params: actor, role, types, as_of, since, until, country, min_deaths, bbox, west, south, east, north, offset, limit
MATCH (:Actor {id: $actor})-[p:PARTICIPATED_IN]->(e:Event)
WHERE $role = '' OR p.role = $role
WITH DISTINCT e
// include: event_filters
RETURN e AS event
ORDER BY e.date, e.id
SKIP $offset LIMIT $limit
