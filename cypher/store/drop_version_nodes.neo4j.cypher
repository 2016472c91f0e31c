// Inside a load: a kept version the retention policy no longer keeps, removed with its
// relationships. __KEPT__ is one of its kept labels (never input).
MATCH (n:__KEPT__)
DETACH DELETE n
