// After a load keeps a version: its records found by id as fast as the current ones.
// __NAME__ and __LABEL__ are made from the kept label (never input).
CREATE INDEX __NAME__ IF NOT EXISTS FOR (n:__LABEL__) ON (n.id)
