// A page of events passing the API's filters, in date order (ties by id). A date of lower
// precision sorts before the days it covers ("2020" before "2020-06" before "2020-06-05").
// params: types, as_of, since, until, country, min_deaths, bbox, west, south, east, north, offset, limit
MATCH (e:Event)
// include: event_filters
RETURN e AS event
ORDER BY e.date, e.id
SKIP $offset LIMIT $limit
