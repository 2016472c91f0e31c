// Number of relations of each type (the embedded engine names a relation's type label(r)).
MATCH (:Actor)-[r]->(:Actor)
RETURN label(r) AS type, count(*) AS n
ORDER BY type
