// Documents by id.
// params: ids
MATCH (d:Document)
WHERE d.id IN $ids
RETURN d AS document
ORDER BY d.id
