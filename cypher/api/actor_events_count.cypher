// How many events actor_events_page finds (without the page).
// params: actor, role, types, as_of, since, until, country, min_deaths, bbox, west, south, east, north
MATCH (:Actor {id: $actor})-[p:PARTICIPATED_IN]->(e:Event)
WHERE $role = '' OR p.role = $role
WITH DISTINCT e
// include: event_filters
RETURN count(*) AS n
