// The relations of one type whose source actor is at a node offset in [$from, $below), with
// their columns named one by one: a piece of the relation half of the in-memory projection.
// __TYPE__ and __COLUMNS__ come from the ontology, never from input. Explicit columns on one
// table are ~5x faster to fetch than the `r` struct, which carries the union of every
// relation table's columns. Read by ranges of source actors because the engine holds a
// whole result in its buffer pool: at 10M relations one type's did not fit the projection
// reader's 512 MB.
// params: from, below
MATCH (a:Actor)-[r:__TYPE__]->(b:Actor)
WHERE offset(id(a)) >= $from AND offset(id(a)) < $below
RETURN a.id AS source, b.id AS target, __COLUMNS__
