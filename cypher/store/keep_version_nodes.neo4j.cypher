// Inside a load, before the new version is written: the current version's __LABEL__ nodes
// become the kept version's (label __KEPT__), relationships and all, so the new version can
// take the plain labels and the old one stays readable, untouched, under its own.
// __LABEL__ is Actor, Document or Event, __KEPT__ its kept label (never input).
MATCH (n:__LABEL__)
REMOVE n:__LABEL__
SET n:__KEPT__
