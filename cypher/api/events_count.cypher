// How many events pass the API's filters (events_page without the page).
// params: types, as_of, since, until
MATCH (e:Event)
// include: event_filters
RETURN count(*) AS n
