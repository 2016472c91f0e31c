// events_by_month for the events any of some actors took part in.
// params: actors, types, as_of, since, until, country, min_deaths, bbox, west, south, east, north
MATCH (a:Actor)-[:PARTICIPATED_IN]->(e:Event)
WHERE a.id IN $actors
WITH DISTINCT e
// include: event_filters
WITH left(e.date, 7) AS period, coalesce(e.deaths_best, 0) AS deaths
RETURN period, count(*) AS events, sum(deaths) AS deaths
ORDER BY period
