// The id of the load that wrote the graph: a load writes every node in one transaction
// and marks each with its load_id, so any node carries the current one. It identifies
// the published graph (answers derived from it, such as analytics, are cached per load_id).
MATCH (n)
WHERE n:Actor OR n:Document
RETURN n.load_id AS load_id
LIMIT 1
