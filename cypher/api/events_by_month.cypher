// Events passing the API's filters, counted per month (per year for an event dated only to a
// year: its period is "2020"), with the sum of their best death estimates. For timelines.
// params: types, as_of, since, until, country, min_deaths, bbox, west, south, east, north
MATCH (e:Event)
// include: event_filters
WITH left(e.date, 7) AS period, coalesce(e.deaths_best, 0) AS deaths
RETURN period, count(*) AS events, sum(deaths) AS deaths
ORDER BY period
