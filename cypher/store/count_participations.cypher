// Number of participations: (actor)-[:PARTICIPATED_IN {role}]->(event), one per actor and role.
MATCH (:Actor)-[p:PARTICIPATED_IN]->(:Event)
RETURN count(*) AS n
