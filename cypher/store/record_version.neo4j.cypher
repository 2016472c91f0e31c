// Inside a load, last: the new version becomes the current one, with its manifest (JSON
// text) and its sequence number; versions the retention policy dropped are forgotten.
// params: seq, id, recorded_at, manifest, dropped
OPTIONAL MATCH (old:GraphVersion)
WHERE old.current OR old.seq IN $dropped
WITH collect(old) AS olds
WITH [x IN olds WHERE x.seq IN $dropped] AS gone, [x IN olds WHERE NOT x.seq IN $dropped] AS stay
FOREACH (o IN stay | SET o.current = false)
FOREACH (o IN gone | DELETE o)
CREATE (:GraphVersion {seq: $seq, id: $id, current: true, recorded_at: $recorded_at, manifest: $manifest})
