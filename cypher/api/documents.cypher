// A page of documents, ordered by id.
// params: offset, limit
MATCH (d:Document)
RETURN d AS document
ORDER BY d.id
SKIP $offset LIMIT $limit
