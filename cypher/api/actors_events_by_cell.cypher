// events_by_cell for the events any of some actors took part in.
// params: actors, size, types, as_of, since, until, country, min_deaths, bbox, west, south, east, north
MATCH (a:Actor)-[:PARTICIPATED_IN]->(e:Event)
WHERE a.id IN $actors
WITH DISTINCT e
// include: event_filters
WITH e WHERE e.latitude IS NOT NULL AND e.longitude IS NOT NULL
WITH floor(e.latitude / $size) AS row, floor(e.longitude / $size) AS col, e.latitude AS lat, e.longitude AS lon,
     coalesce(e.deaths_best, 0) AS deaths
RETURN row, col, count(*) AS events, sum(deaths) AS deaths, avg(lat) AS latitude, avg(lon) AS longitude
ORDER BY row, col
