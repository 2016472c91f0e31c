// How many relationships the generation holds, of every table: the projection sizes its
// ranged reads of relations by it.
MATCH ()-[r]->()
RETURN count(*) AS n
