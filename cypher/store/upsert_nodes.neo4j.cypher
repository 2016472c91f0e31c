// Create or update one batch of __LABEL__ nodes by id; `SET n = row` also drops properties
// the record no longer has, and load_id marks what this load wrote. __LABEL__ is Actor,
// Document or Event (never input).
// params: rows, load_id
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
SET n = row, n.load_id = $load_id
