// Number of events.
MATCH (e:Event)
RETURN count(*) AS n
