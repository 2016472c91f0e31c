// Events passing the API's filters that have coordinates, binned into cells of $size degrees
// (row = floor(latitude / size), col = floor(longitude / size)): how many, their deaths (sum of
// best estimates) and their mean position, where a map draws the cell. For maps of many events.
// params: size, types, as_of, since, until, country, min_deaths, bbox, west, south, east, north
MATCH (e:Event)
// include: event_filters
WITH e WHERE e.latitude IS NOT NULL AND e.longitude IS NOT NULL
WITH floor(e.latitude / $size) AS row, floor(e.longitude / $size) AS col, e.latitude AS lat, e.longitude AS lon,
     coalesce(e.deaths_best, 0) AS deaths
RETURN row, col, count(*) AS events, sum(deaths) AS deaths, avg(lat) AS latitude, avg(lon) AS longitude
ORDER BY row, col
