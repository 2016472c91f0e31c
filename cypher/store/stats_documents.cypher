// Number of provenance documents.
MATCH (d:Document)
RETURN count(*) AS n
