// Number of relations of each type.
MATCH (:Actor)-[r]->(:Actor)
RETURN type(r) AS type, count(*) AS n
ORDER BY type
