// The API's event filters, shared by the event list and aggregate queries: a query includes
// them with the line `// include: event_filters`. Expects `e` (an Event) in scope. Every
// filter is always bound ('' , 0, false or every type means "no filter"). Dates are compared
// at the event date's own precision, as relation bounds are (cypher/fragments/valid_on.cypher):
// an event of "2020-06" has happened by as_of 2020-06-01, and falls within since 2020-06-30.
// The box is west, south, east, north in decimal degrees; west > east crosses the 180th
// meridian. An event without coordinates is in no box; one without a death count has none.
// params: types, as_of, since, until, country, min_deaths, bbox, west, south, east, north
WITH e, $types AS types, $as_of AS as_of, $since AS since, $until AS until, $country AS country,
     $min_deaths AS min_deaths, $bbox AS bbox, $west AS west, $south AS south, $east AS east, $north AS north
WHERE e.type IN types
  AND (as_of = '' OR e.date <= left(as_of, size(e.date)))
  AND (since = '' OR e.date >= left(since, size(e.date)))
  AND (until = '' OR e.date <= left(until, size(e.date)))
  AND (country = '' OR e.country = country)
  AND (min_deaths = 0 OR coalesce(e.deaths_best, 0) >= min_deaths)
  AND (NOT bbox OR (e.latitude >= south AND e.latitude <= north
       AND ((west <= east AND e.longitude >= west AND e.longitude <= east)
            OR (west > east AND (e.longitude >= west OR e.longitude <= east)))))
