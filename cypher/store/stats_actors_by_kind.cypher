// Number of actors of each kind.
MATCH (a:Actor)
RETURN a.kind AS kind, count(*) AS n
ORDER BY kind
