// Actor ids are unique (and indexed): every lookup and every load MERGE goes through them.
CREATE CONSTRAINT actor_id_unique IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE
