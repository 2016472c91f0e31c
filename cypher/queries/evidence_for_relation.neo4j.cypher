// The evidence for one relation, one row per cited document (evidence_json holds every
// item: document, paragraph, summary, quote).
// params: relation
MATCH (a:Actor)-[r]->(b:Actor)
WHERE r.id = $relation
UNWIND r.document_ids AS document_id
MATCH (d:Document {id: document_id})
RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, d.id AS document,
       d.title AS title, r.evidence_json AS evidence_json
ORDER BY document
