// Alliances that changed sides: an actor allied with one side until a date and with the
// side it fights from then on (Kaniyat: the GNA until April 2019, then Haftar's forces).
MATCH (x:Actor)-[before:ALLIED_WITH]-(old:Actor)
MATCH (x)-[after:ALLIED_WITH]-(new:Actor)
WHERE before.end_date IS NOT NULL AND after.start_date IS NOT NULL
  AND after.start_date >= before.end_date
  AND EXISTS { MATCH (old)-[:FIGHTS]-(new) }
RETURN x.id AS actor, old.id AS left_side, before.end_date AS left_on,
       new.id AS joined_side, after.start_date AS joined_on
ORDER BY actor
