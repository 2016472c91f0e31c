// The versions of the graph this database keeps, newest first: each publication's manifest
// (JSON text, graph/versions.py), its sequence number and whether it is the current one.
// The current version's records carry the plain labels (Actor, Document, Event); a kept
// older version's carry Actor_v<seq>, Document_v<seq>, Event_v<seq> (neo4j_history.py).
MATCH (v:GraphVersion)
RETURN v.seq AS seq, v.id AS id, v.current AS current, v.manifest AS manifest
ORDER BY v.seq DESC
