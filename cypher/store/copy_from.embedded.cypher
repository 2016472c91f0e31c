// Bulk-load one staged Parquet file into the table __TABLE__ of a fresh embedded database.
// __TABLE__ comes from the ontology and __FILE__ is a staging file the loader wrote (never input).
COPY __TABLE__ FROM '__FILE__'
