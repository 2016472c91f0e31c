// Number of actors.
MATCH (a:Actor)
RETURN count(*) AS n
