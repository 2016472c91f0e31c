// Substring search on actor names (`CONTAINS`) uses a text index.
CREATE TEXT INDEX actor_name_text IF NOT EXISTS FOR (a:Actor) ON (a.name)
