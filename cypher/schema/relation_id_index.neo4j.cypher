// Relations are looked up by id (API, evidence queries, load MERGE); one index per type,
// __TYPE__ filled from the ontology and __NAME__ its lower-case name.
CREATE INDEX __NAME___id IF NOT EXISTS FOR ()-[r:__TYPE__]-() ON (r.id)
