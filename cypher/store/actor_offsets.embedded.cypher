// One past the largest node offset of the generation's actors (0 for none): the projection
// reads actors, and relations by their source actor, in ranges of node offsets below it.
MATCH (a:Actor)
RETURN coalesce(max(offset(id(a))) + 1, 0) AS below
