// How many events pass the API's filters (events_page without the page).
// params: types, as_of, since, until, country, min_deaths, bbox, west, south, east, north
MATCH (e:Event)
// include: event_filters
RETURN count(*) AS n
