// Bulk-load staged Parquet files into the table __TABLE__ of a fresh embedded database.
// __TABLE__ comes from the ontology and __FILES__ is a list literal of staging files the
// loader wrote (never input); one COPY per table, as COPY into a filled table is slow.
COPY __TABLE__ FROM __FILES__
