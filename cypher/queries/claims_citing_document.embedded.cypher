// Every relation that cites a document as evidence.
// params: document
MATCH (a:Actor)-[r]->(b:Actor)
WHERE $document IN r.document_ids
RETURN r.id AS id, a.id AS source, label(r) AS type, b.id AS target, r.status AS status
ORDER BY id
