// Create or update one batch of participations (actor)-[:PARTICIPATED_IN {role}]->(event):
// one relationship per actor, event and role; load_id marks what this load wrote.
// params: rows, load_id
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MATCH (e:Event {id: row.event})
MERGE (a)-[p:PARTICIPATED_IN {role: row.role}]->(e)
SET p.load_id = $load_id
