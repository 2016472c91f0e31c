// Date filters (as_of, since, until) start from start_date; one index per type.
CREATE INDEX __NAME___start IF NOT EXISTS FOR ()-[r:__TYPE__]-() ON (r.start_date)
