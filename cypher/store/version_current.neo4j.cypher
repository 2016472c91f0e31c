// The id of the current version of the graph (graph/versions.py); none before the first
// load that recorded versions.
MATCH (v:GraphVersion)
WHERE v.current
RETURN v.id AS id
LIMIT 1
