// Outside backers on opposite sides of a fight: each pair of backers, with the two sides.
MATCH (p1:Actor)-[:BACKS]->(side1:Actor)-[:FIGHTS]-(side2:Actor)<-[:BACKS]-(p2:Actor)
WHERE side1.id < side2.id
RETURN p1.id AS backer, side1.id AS side, side2.id AS opposing_side, p2.id AS rival_backer
ORDER BY backer, rival_backer
