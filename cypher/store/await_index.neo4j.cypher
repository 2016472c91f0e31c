// Wait until the index $name is online (a full-text index is populated after it is made, and
// a search before then would miss actors), at most $seconds.
// params: name, seconds
CALL db.awaitIndex($name, $seconds)
